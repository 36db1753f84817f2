import type { ActionContext } from '../../core/context.js';
import { SqsErrors } from '../../core/errors.js';
import { queueSettings } from '../../core/queue-attributes.js';
import { parseQueueArn } from '../../core/queue-url.js';
import type { QueueRecord, RedriveTarget, StoredQueueAttributes } from '../../core/types.js';
import { arnOf } from './queue.js';

export async function queueByArn(ctx: ActionContext, arn: string): Promise<QueueRecord | undefined> {
  const parsed = parseQueueArn(arn);
  if (!parsed || parsed.region !== ctx.identity.region) return undefined;
  return ctx.storage.getQueue(parsed.accountId, parsed.name);
}

/**
 * CreateQueue/SetQueueAttributes: a RedrivePolicy must name an existing queue of the same type whose
 * RedriveAllowPolicy admits this source (reference §6.1–6.2).
 */
export async function checkRedrivePolicy(
  ctx: ActionContext,
  source: { account: string; name: string; fifo: boolean },
  attributes: StoredQueueAttributes,
): Promise<void> {
  const policy = queueSettings(attributes).redrivePolicy;
  if (!policy) return;
  const invalid = (reason: string) =>
    SqsErrors.invalidParameter('RedrivePolicy', attributes.RedrivePolicy, reason);
  const target = await queueByArn(ctx, policy.deadLetterTargetArn);
  if (!target) throw invalid('Dead letter target does not exist.');
  if (target.fifo !== source.fifo) throw invalid('Dead-letter queue must be same type of queue as the source.');
  const allow = queueSettings(target.attributes).redriveAllowPolicy;
  const sourceArn = arnOf(ctx, source);
  if (allow?.redrivePermission === 'denyAll' || (allow?.redrivePermission === 'byQueue' && !allow.sourceQueueArns.includes(sourceArn))) {
    throw invalid(`Queue ${policy.deadLetterTargetArn} does not allow this queue to use it as a dead-letter queue.`);
  }
}

/** What a receive on `queue` needs to redrive exhausted messages; null when there is no (live) DLQ. */
export async function redriveTargetOf(ctx: ActionContext, queue: QueueRecord): Promise<RedriveTarget | null> {
  const policy = queueSettings(queue.attributes).redrivePolicy;
  if (!policy) return null;
  const target = await queueByArn(ctx, policy.deadLetterTargetArn);
  if (!target) return null;
  return {
    deadLetterQueueId: target.id,
    maxReceiveCount: policy.maxReceiveCount,
    sourceArn: arnOf(ctx, queue),
    resetEnqueueTime: target.fifo,
    deadLetterRetentionMs: queueSettings(target.attributes).messageRetentionPeriodSeconds * 1000,
  };
}
