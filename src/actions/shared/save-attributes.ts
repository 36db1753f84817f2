import type { ActionContext } from '../../core/context.js';
import { SqsErrors } from '../../core/errors.js';
import { queueSettings } from '../../core/queue-attributes.js';
import type { QueueId, QueueRecord, StoredQueueAttributes } from '../../core/types.js';

/**
 * Replaces a queue's stored attributes with what `edit` makes of the current ones, with the columns storage
 * derives from them (retention, DLQ target). `edit` runs inside storage's write, on the queue as it is at
 * that moment, so two concurrent changes (SetQueueAttributes, AddPermission, ...) never lose one another;
 * an SqsError it throws is the action's answer.
 */
export async function saveAttributes(
  ctx: ActionContext,
  queueId: QueueId,
  edit: (queue: QueueRecord) => StoredQueueAttributes,
): Promise<void> {
  let delayChanged = false;
  const updated = await ctx.storage.editQueue(
    queueId,
    (queue) => {
      const attributes = edit(queue);
      const settings = queueSettings(attributes);
      delayChanged = queue.fifo && settings.delaySeconds !== queueSettings(queue.attributes).delaySeconds;
      return {
        attributes,
        retentionMs: settings.messageRetentionPeriodSeconds * 1000,
        deadLetterTargetArn: settings.redrivePolicy?.deadLetterTargetArn ?? null,
        retroactiveDelayMs: delayChanged ? settings.delaySeconds * 1000 : null,
      };
    },
    ctx.clock.now(),
  );
  if (updated === 'queueGone') throw SqsErrors.queueDoesNotExist();
  // A shorter FIFO delay can make queued messages receivable now: parked polls planned a later wake-up.
  if (delayChanged) ctx.waiters.notify(queueId, Number.MAX_SAFE_INTEGER);
}

/** Stores a new Policy document (undefined removes it), leaving every other attribute as it was. */
export function withPolicy(attributes: StoredQueueAttributes, policy: string | undefined): StoredQueueAttributes {
  const { Policy: _previous, ...rest } = attributes;
  return policy === undefined ? rest : { ...rest, Policy: policy };
}
