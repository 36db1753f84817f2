// GetQueueAttributes: which attributes exist, which `All` returns, and how computed ones are rendered
// (reference §2 GetQueueAttributes and §3, AWS-validated lists).
import { SqsErrors } from './errors.js';
import {
  DEFAULT_KMS_DATA_KEY_REUSE_PERIOD_SECONDS,
  FIFO_ONLY_ATTRIBUTES,
  isKnownAttribute,
  READ_ONLY_ATTRIBUTES,
} from './queue-attribute-values.js';
import { canonicalRedrivePolicy } from './redrive-policy.js';
import type { QueueRecord } from './types.js';
import type { QueueStats } from '../storage/storage.js';

const ALL = 'All';
const STATS_PREFIX = 'ApproximateNumberOfMessages';

/** Counting messages is the only costly part of GetQueueAttributes; the action counts only when this says so. */
export function needsStats(names: readonly string[]): boolean {
  return names.some((name) => name === ALL || name.startsWith(STATS_PREFIX));
}

const toSeconds = (ms: number) => String(Math.floor(ms / 1000));

/** One attribute's value, or undefined when it is valid but unset or does not apply to this queue. */
function valueOf(name: string, queue: QueueRecord, arn: string, stats: QueueStats | undefined): string | undefined {
  switch (name) {
    case 'ApproximateNumberOfMessages':
      return String(stats?.visible ?? 0);
    case 'ApproximateNumberOfMessagesNotVisible':
      return String(stats?.inFlight ?? 0);
    case 'ApproximateNumberOfMessagesDelayed':
      return String(stats?.delayed ?? 0);
    case 'CreatedTimestamp':
      return toSeconds(queue.createdAt);
    case 'LastModifiedTimestamp':
      return toSeconds(queue.lastModifiedAt);
    case 'QueueArn':
      return arn;
    case 'RedrivePolicy':
      return Object.hasOwn(queue.attributes, name) ? canonicalRedrivePolicy(queue.attributes[name]!) : undefined;
    case 'KmsDataKeyReusePeriodSeconds':
      // Only reported while a KMS key is set, with its default when never set [A].
      if (!Object.hasOwn(queue.attributes, 'KmsMasterKeyId')) return undefined;
      return queue.attributes.KmsDataKeyReusePeriodSeconds ?? DEFAULT_KMS_DATA_KEY_REUSE_PERIOD_SECONDS;
  }
  if (!queue.fifo && FIFO_ONLY_ATTRIBUTES.has(name)) return undefined;
  return Object.hasOwn(queue.attributes, name) ? queue.attributes[name] : undefined;
}

const EVERY_ATTRIBUTE = [
  ...READ_ONLY_ATTRIBUTES,
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  ...FIFO_ONLY_ATTRIBUTES,
].sort();

/**
 * The requested attributes as AWS reports them: `All` is every attribute that applies and is set (the FIFO
 * four only on FIFO queues), no names yields {}, an unknown name is "Unknown Attribute X." [A], and
 * timestamps are epoch seconds [D] while the queue keeps milliseconds.
 */
export function renderQueueAttributes(input: {
  queue: QueueRecord;
  names: readonly string[];
  arn: string;
  stats?: QueueStats;
}): Record<string, string> {
  const { queue, names, arn, stats } = input;
  for (const name of names) {
    if (name !== ALL && !isKnownAttribute(name)) throw SqsErrors.unknownAttribute(name);
  }
  const wanted = names.includes(ALL) ? EVERY_ATTRIBUTE : [...new Set(names)].sort();
  const rendered: Record<string, string> = {};
  for (const name of wanted) {
    const value = valueOf(name, queue, arn, stats);
    if (value !== undefined) rendered[name] = value;
  }
  return rendered;
}

