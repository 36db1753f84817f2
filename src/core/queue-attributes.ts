// Queue attributes: defaults, the CreateQueue/SetQueueAttributes rules, CreateQueue idempotence and a typed
// view for the engine (reference §2, §3, §5). Values are stored as normalised wire strings under AWS names;
// per-value rules live in queue-attribute-values.ts, rendering in queue-attributes-render.ts.
import { SqsErrors } from './errors.js';
import { AWS_MAX_MESSAGE_BYTES } from './limits.js';
import {
  DEFAULT_KMS_DATA_KEY_REUSE_PERIOD_SECONDS,
  FIFO_ONLY_ATTRIBUTES,
  normaliseAttribute,
} from './queue-attribute-values.js';
import { parseRedriveAllowPolicy, parseRedrivePolicy, type RedriveAllowPolicy, type RedrivePolicy } from './redrive-policy.js';
import type { StoredQueueAttributes } from './types.js';

export { needsStats, renderQueueAttributes } from './queue-attributes-render.js';
export { parseRedriveAllowPolicy, parseRedrivePolicy } from './redrive-policy.js';
export type { RedriveAllowPolicy, RedrivePermission, RedrivePolicy } from './redrive-policy.js';

/** AWS's defaults for a new queue (reference §3), except that the size default is the server ceiling. */
export function queueAttributeDefaults(fifo: boolean, maxMessageBytes: number): StoredQueueAttributes {
  const standard: StoredQueueAttributes = {
    DelaySeconds: '0',
    MaximumMessageSize: String(maxMessageBytes),
    MessageRetentionPeriod: '345600',
    ReceiveMessageWaitTimeSeconds: '0',
    VisibilityTimeout: '30',
    SqsManagedSseEnabled: 'true',
  };
  if (!fifo) return standard;
  return {
    ...standard,
    FifoQueue: 'true',
    ContentBasedDeduplication: 'false',
    DeduplicationScope: 'queue',
    FifoThroughputLimit: 'perQueue',
  };
}

const SSE_CONFLICT =
  'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.';

/** What a standard queue says about each FIFO-only attribute (AWS-validated wording, reference §2). */
function checkApplicable(fifo: boolean, name: string): void {
  if (fifo || !FIFO_ONLY_ATTRIBUTES.has(name)) return;
  if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') throw SqsErrors.unknownAttribute(name);
  throw SqsErrors.invalidAttributeName(`You can specify the ${name} only when FifoQueue is set to true.`);
}

/** Validates every change (all names first, then values), then applies them with the cross-attribute rules. */
function applyChanges(
  fifo: boolean,
  base: StoredQueueAttributes,
  changes: Record<string, string>,
  maxMessageBytes: number,
): StoredQueueAttributes {
  const entries = Object.entries(changes);
  for (const [name] of entries) checkApplicable(fifo, name);
  const normalised = entries.map(([name, raw]) => [name, normaliseAttribute(name, raw, maxMessageBytes)] as const);
  const next: StoredQueueAttributes = { ...base };
  for (const [name, value] of normalised) {
    if (value === undefined) delete next[name];
    else next[name] = value;
  }
  applyEncryption(new Map(normalised), next);
  if (changes.FifoThroughputLimit !== undefined || changes.DeduplicationScope !== undefined) checkThroughput(next);
  return next;
}

/**
 * SSE-KMS and SSE-SQS exclude each other [A]: asking for both at once is an error, a KMS key turns SQS SSE
 * off, and `KmsMasterKeyId: ""` removes the KMS attributes [A] (leaving the queue unencrypted unless the
 * same request enables SQS SSE; what AWS does to SqsManagedSseEnabled there is unverified). Turning SQS SSE
 * on for a queue that still has a key switches it over, so the two never both appear enabled.
 */
function applyEncryption(changes: ReadonlyMap<string, string | undefined>, next: StoredQueueAttributes): void {
  const kmsKey = changes.get('KmsMasterKeyId');
  const sqsManaged = changes.get('SqsManagedSseEnabled');
  if (kmsKey && sqsManaged === 'true') throw SqsErrors.invalidAttributeName(SSE_CONFLICT);
  if (kmsKey) {
    next.SqsManagedSseEnabled = 'false';
  } else if ((changes.has('KmsMasterKeyId') && kmsKey === undefined) || sqsManaged === 'true') {
    delete next.KmsMasterKeyId;
    delete next.KmsDataKeyReusePeriodSeconds;
  }
}

/** High-throughput FIFO: perMessageGroupId needs per-group deduplication [D]; the wording is unverified. */
function checkThroughput(attributes: StoredQueueAttributes): void {
  if (attributes.FifoThroughputLimit === 'perMessageGroupId' && attributes.DeduplicationScope !== 'messageGroup') {
    throw SqsErrors.invalidAttributeValue(
      'Invalid value for the parameter FifoThroughputLimit. Reason: You can specify perMessageGroupId only when DeduplicationScope is set to messageGroup.',
    );
  }
}

/**
 * CreateQueue: the queue type comes from FifoQueue, which must agree with the `.fifo` suffix of the name
 * (wording unverified, reference §2). FifoQueue=false on a standard name is "Unknown Attribute FifoQueue." [A].
 */
export function attributesForCreate(
  queueName: string,
  requested: Record<string, string> | undefined,
  maxMessageBytes: number,
): { fifo: boolean; attributes: StoredQueueAttributes } {
  const changes = requested ?? {};
  const fifoName = queueName.endsWith('.fifo');
  let fifo = false;
  if (changes.FifoQueue !== undefined) {
    fifo = normaliseAttribute('FifoQueue', changes.FifoQueue, maxMessageBytes) === 'true';
    if (!fifo && !fifoName) throw SqsErrors.unknownAttribute('FifoQueue');
  }
  if (fifo && !fifoName) {
    throw SqsErrors.invalidParameterValue(
      'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
    );
  }
  if (!fifo && fifoName) {
    throw SqsErrors.invalidParameterValue(
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length. A name ending in .fifo needs the attribute FifoQueue set to true.',
    );
  }
  return { fifo, attributes: applyChanges(fifo, queueAttributeDefaults(fifo, maxMessageBytes), changes, maxMessageBytes) };
}

/** SetQueueAttributes: FifoQueue may only be restated, never changed (AWS-validated wording, reference §2). */
export function attributesForUpdate(
  fifo: boolean,
  current: StoredQueueAttributes,
  changes: Record<string, string>,
  maxMessageBytes: number,
): StoredQueueAttributes {
  if (changes.FifoQueue !== undefined) {
    if (!fifo) throw SqsErrors.unknownAttribute('FifoQueue');
    if (changes.FifoQueue.toLowerCase() !== 'true') {
      throw SqsErrors.invalidAttributeValue('Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.');
    }
  }
  return applyChanges(fifo, current, changes, maxMessageBytes);
}

/** The stored value as GetQueueAttributes would report it, defaults that are never stored included. */
function effectiveValue(attributes: StoredQueueAttributes, name: string): string | undefined {
  if (Object.hasOwn(attributes, name)) return attributes[name];
  return name === 'KmsDataKeyReusePeriodSeconds' ? DEFAULT_KMS_DATA_KEY_REUSE_PERIOD_SECONDS : undefined;
}

/**
 * CreateQueue on an existing name succeeds when every requested attribute equals the current value, a
 * subset included [A]; otherwise this names the first that differs, for QueueAlreadyExists. Values are
 * compared normalised ("True" equals "true", "030" equals "30", JSON modulo whitespace).
 */
export function differingAttribute(
  existing: StoredQueueAttributes,
  requested: Record<string, string> | undefined,
  maxMessageBytes: number,
): string | null {
  const fifo = existing.FifoQueue === 'true';
  for (const [name, raw] of Object.entries(requested ?? {})) {
    checkApplicable(fifo, name);
    if (normaliseAttribute(name, raw, maxMessageBytes) !== effectiveValue(existing, name)) return name;
  }
  return null;
}

export interface QueueSettings {
  delaySeconds: number;
  maximumMessageSize: number;
  messageRetentionPeriodSeconds: number;
  receiveMessageWaitTimeSeconds: number;
  visibilityTimeoutSeconds: number;
  contentBasedDeduplication: boolean;
  deduplicationScope: 'queue' | 'messageGroup';
  redrivePolicy: RedrivePolicy | null;
  redriveAllowPolicy: RedriveAllowPolicy | null;
}

/** The typed view the engine works with. Stored values were validated on the way in. */
export function queueSettings(attributes: StoredQueueAttributes): QueueSettings {
  // Stored queues reach here as the same frozen object on every request (storage caches them), so each
  // is parsed once; a fresh object (a queue being created or changed) is parsed and remembered too.
  const cached = parsedSettings.get(attributes);
  if (cached) return cached;
  const settings = Object.freeze(parseSettings(attributes));
  parsedSettings.set(attributes, settings);
  return settings;
}

const parsedSettings = new WeakMap<StoredQueueAttributes, QueueSettings>();

function parseSettings(attributes: StoredQueueAttributes): QueueSettings {
  const number = (name: string, fallback: number) => {
    const value = attributes[name];
    return value === undefined ? fallback : Number(value);
  };
  return {
    delaySeconds: number('DelaySeconds', 0),
    maximumMessageSize: number('MaximumMessageSize', AWS_MAX_MESSAGE_BYTES),
    messageRetentionPeriodSeconds: number('MessageRetentionPeriod', 345_600),
    receiveMessageWaitTimeSeconds: number('ReceiveMessageWaitTimeSeconds', 0),
    visibilityTimeoutSeconds: number('VisibilityTimeout', 30),
    contentBasedDeduplication: attributes.ContentBasedDeduplication === 'true',
    deduplicationScope: attributes.DeduplicationScope === 'messageGroup' ? 'messageGroup' : 'queue',
    redrivePolicy: attributes.RedrivePolicy ? parseRedrivePolicy(attributes.RedrivePolicy) : null,
    redriveAllowPolicy: attributes.RedriveAllowPolicy ? parseRedriveAllowPolicy(attributes.RedriveAllowPolicy) : null,
  };
}
