// RedrivePolicy and RedriveAllowPolicy: JSON shape checks only (reference §6.1–6.2). Whether the target
// queue exists, has the same type and admits the source is the action's business, since it needs storage.
// Errors are InvalidParameterValue "Value <json> for parameter <P> is invalid. Reason: <R>", the form AWS
// returns for redrive problems (e.g. "Dead-letter queue must be same type of queue as the source.").
import { SqsErrors } from './errors.js';
import { parseQueueArn } from './queue-url.js';

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

export type RedrivePermission = 'allowAll' | 'denyAll' | 'byQueue';

export interface RedriveAllowPolicy {
  redrivePermission: RedrivePermission;
  /** Empty unless redrivePermission is byQueue. */
  sourceQueueArns: string[];
}

const MIN_RECEIVE_COUNT = 1;
const MAX_RECEIVE_COUNT = 1000;
const MAX_SOURCE_QUEUE_ARNS = 10;
const PERMISSIONS: readonly string[] = ['allowAll', 'denyAll', 'byQueue'];

function parseJsonMap(json: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A JSON number, or a string of digits as the AWS CLI examples write it (reference §6.1). */
function receiveCountOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value === 'string' && /^\d{1,10}$/.test(value.trim())) return Number(value.trim());
  return null;
}

export function parseRedrivePolicy(json: string): RedrivePolicy {
  const invalid = (reason: string) => SqsErrors.invalidParameter('RedrivePolicy', json, reason);
  const policy = parseJsonMap(json);
  if (!policy) throw invalid('Redrive policy is not a valid JSON map.');
  for (const key of ['deadLetterTargetArn', 'maxReceiveCount']) {
    if (!Object.hasOwn(policy, key)) throw invalid(`Redrive policy does not contain mandatory attribute: ${key}.`);
  }
  if (Object.keys(policy).length > 2) {
    throw invalid('Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount].');
  }
  const maxReceiveCount = receiveCountOf(policy.maxReceiveCount);
  if (maxReceiveCount === null || maxReceiveCount < MIN_RECEIVE_COUNT || maxReceiveCount > MAX_RECEIVE_COUNT) {
    throw invalid(
      `Invalid value for maxReceiveCount: ${String(policy.maxReceiveCount)}, valid values are from ${MIN_RECEIVE_COUNT} to ${MAX_RECEIVE_COUNT} both inclusive.`,
    );
  }
  const arn = policy.deadLetterTargetArn;
  if (typeof arn !== 'string' || parseQueueArn(arn) === null) {
    throw invalid('Dead-letter target ARN should be fully qualified ARN.');
  }
  return { deadLetterTargetArn: arn, maxReceiveCount };
}

export function parseRedriveAllowPolicy(json: string): RedriveAllowPolicy {
  const invalid = (reason: string) =>
    SqsErrors.invalidParameter('RedriveAllowPolicy', json, `Amazon SQS can't create the redrive allow policy${reason}`);
  const unsupported = () => invalid(", as it's in an unsupported format.");
  const policy = parseJsonMap(json);
  if (!policy) throw unsupported();
  const permission = policy.redrivePermission;
  if (typeof permission !== 'string' || !PERMISSIONS.includes(permission)) throw unsupported();
  if (Object.keys(policy).some((key) => key !== 'redrivePermission' && key !== 'sourceQueueArns')) throw unsupported();
  const arns = policy.sourceQueueArns;
  if (arns !== undefined && (!Array.isArray(arns) || arns.some((arn) => typeof arn !== 'string'))) throw unsupported();
  const sourceQueueArns = (arns ?? []) as string[];
  if (permission !== 'byQueue') {
    if (sourceQueueArns.length > 0) {
      throw invalid('. To specify one or more source queue ARNs, you must set redrivePermission to byQueue.');
    }
    return { redrivePermission: permission as RedrivePermission, sourceQueueArns: [] };
  }
  if (sourceQueueArns.length === 0) {
    throw invalid('. When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.');
  }
  if (sourceQueueArns.length > MAX_SOURCE_QUEUE_ARNS) {
    throw invalid(`. The maximum number of source queue ARNs you can specify is ${MAX_SOURCE_QUEUE_ARNS}.`);
  }
  return { redrivePermission: 'byQueue', sourceQueueArns };
}

/**
 * The stored form: validated, then re-serialised without whitespace so that equal policies compare equal
 * (CreateQueue idempotence) while the members keep the types the client sent (AWS's own normalisation is
 * unverified, reference §6.1).
 */
export function normaliseRedrivePolicy(json: string): string {
  parseRedrivePolicy(json);
  return JSON.stringify(JSON.parse(json));
}

/**
 * What GetQueueAttributes reports, whatever was set: compact JSON, deadLetterTargetArn first,
 * maxReceiveCount a JSON number (`{"maxReceiveCount":"1000", ...}` reads back as `1000`; reference §6.1,
 * AWS CLI set-/get-queue-attributes examples). A stored value that no longer parses is shown as stored.
 */
export function canonicalRedrivePolicy(stored: string): string {
  try {
    const { deadLetterTargetArn, maxReceiveCount } = parseRedrivePolicy(stored);
    return JSON.stringify({ deadLetterTargetArn, maxReceiveCount });
  } catch {
    return stored;
  }
}

export function normaliseRedriveAllowPolicy(json: string): string {
  parseRedriveAllowPolicy(json);
  return JSON.stringify(JSON.parse(json));
}
