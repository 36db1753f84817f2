// Per-attribute value rules for CreateQueue/SetQueueAttributes (reference §3). Each settable attribute
// validates its wire string and returns the normalised string that is stored, so stored values compare
// equal exactly when AWS would consider them equal (CreateQueue idempotence).
import { SqsErrors } from './errors.js';
import { MAX_DELAY_SECONDS, MAX_VISIBILITY_TIMEOUT_SECONDS, MAX_WAIT_TIME_SECONDS, MIN_MESSAGE_BYTES } from './limits.js';
import { isValidPolicyDocument } from './policy-evaluation.js';
import { normaliseRedriveAllowPolicy, normaliseRedrivePolicy } from './redrive-policy.js';

/** Computed on read, never stored; naming one in Create/Set is an InvalidAttributeName. */
export const READ_ONLY_ATTRIBUTES: ReadonlySet<string> = new Set([
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
]);

/** Only FIFO queues have these; what a standard queue says about each differs (reference §2 CreateQueue). */
export const FIFO_ONLY_ATTRIBUTES: ReadonlySet<string> = new Set([
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);

/** Attributes whose `""` means "remove" rather than an invalid value (reference §3). */
export const CLEARABLE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
]);

export const DEFAULT_KMS_DATA_KEY_REUSE_PERIOD_SECONDS = '300';

const invalidValue = (name: string, reason?: string) =>
  SqsErrors.invalidAttributeValue(`Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`);

function integer(min: number, max: number) {
  return (name: string, raw: string): string => {
    // Digits only: AWS's Java backend rejects signs, spaces and decimals in these integer attributes.
    if (!/^\d{1,15}$/.test(raw)) throw invalidValue(name);
    const value = Number(raw);
    if (value < min || value > max) throw invalidValue(name);
    return String(value);
  };
}

function boolean(name: string, raw: string): string {
  const value = raw.toLowerCase();
  if (value !== 'true' && value !== 'false') throw invalidValue(name);
  return value;
}

function oneOf(...values: string[]) {
  return (name: string, raw: string): string => {
    if (!values.includes(raw)) throw invalidValue(name);
    return raw;
  };
}

function jsonMap(name: string, raw: string): string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidValue(name);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidValue(name);
  return JSON.stringify(value);
}

// A Policy is evaluated for other accounts (policy-evaluation.ts), so a statement it cannot read is
// refused when set, with AWS's "Invalid value for the parameter Policy.", rather than ignored later.
function policyDocument(name: string, raw: string): string {
  const normalised = jsonMap(name, raw);
  if (!isValidPolicyDocument(JSON.parse(normalised) as Record<string, unknown>)) throw invalidValue(name);
  return normalised;
}

type Normaliser = (name: string, raw: string, maxMessageBytes: number) => string;

const NORMALISERS: ReadonlyMap<string, Normaliser> = new Map<string, Normaliser>([
  ['DelaySeconds', integer(0, MAX_DELAY_SECONDS)],
  ['MessageRetentionPeriod', integer(60, 1_209_600)],
  ['ReceiveMessageWaitTimeSeconds', integer(0, MAX_WAIT_TIME_SECONDS)],
  ['VisibilityTimeout', integer(0, MAX_VISIBILITY_TIMEOUT_SECONDS)],
  ['KmsDataKeyReusePeriodSeconds', integer(60, 86_400)],
  ['MaximumMessageSize', maximumMessageSize],
  ['Policy', policyDocument],
  ['RedrivePolicy', (_name, raw) => normaliseRedrivePolicy(raw)],
  ['RedriveAllowPolicy', (_name, raw) => normaliseRedriveAllowPolicy(raw)],
  // AWS does not check the key when it is set (reference §3: "testKeyId" was accepted).
  ['KmsMasterKeyId', (_name, raw) => raw],
  ['SqsManagedSseEnabled', boolean],
  ['FifoQueue', boolean],
  ['ContentBasedDeduplication', boolean],
  ['DeduplicationScope', oneOf('messageGroup', 'queue')],
  ['FifoThroughputLimit', oneOf('perQueue', 'perMessageGroupId')],
]);

/**
 * The AWS range is 1024–1048576; Wharf's ceiling is configurable, so a value above it names the ceiling
 * rather than leaving the client guessing why an AWS-valid size was refused.
 */
function maximumMessageSize(name: string, raw: string, maxMessageBytes: number): string {
  const value = integer(MIN_MESSAGE_BYTES, Number.MAX_SAFE_INTEGER)(name, raw);
  if (Number(value) > maxMessageBytes) {
    throw invalidValue(
      name,
      `must be between ${MIN_MESSAGE_BYTES} and ${maxMessageBytes} bytes (the server's configured ceiling).`,
    );
  }
  return value;
}

export function isKnownAttribute(name: string): boolean {
  return NORMALISERS.has(name) || READ_ONLY_ATTRIBUTES.has(name);
}

/**
 * The stored form of one settable attribute, or undefined when `""` clears it. Unknown and read-only
 * names are InvalidAttributeName "Unknown Attribute X." (the text AWS gives for unknown names [A]; for
 * read-only ones the code is from the model and the text unverified).
 */
export function normaliseAttribute(name: string, raw: string, maxMessageBytes: number): string | undefined {
  const normalise = NORMALISERS.get(name);
  if (!normalise) throw SqsErrors.unknownAttribute(name);
  if (raw === '' && CLEARABLE_ATTRIBUTES.has(name)) return undefined;
  return normalise(name, raw, maxMessageBytes);
}
