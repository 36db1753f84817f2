import type { ActionContext } from '../../core/context.js';
import { SqsErrors } from '../../core/errors.js';
import { queueSettings } from '../../core/queue-attributes.js';
import type { QueueRecord, StoredQueueAttributes } from '../../core/types.js';

/** Replaces a queue's stored attributes, with the columns storage derives from them (retention, DLQ target). */
export async function saveAttributes(ctx: ActionContext, queue: QueueRecord, attributes: StoredQueueAttributes): Promise<void> {
  const settings = queueSettings(attributes);
  const updated = await ctx.storage.updateQueue(
    queue.id,
    {
      attributes,
      retentionMs: settings.messageRetentionPeriodSeconds * 1000,
      deadLetterTargetArn: settings.redrivePolicy?.deadLetterTargetArn ?? null,
    },
    ctx.clock.now(),
  );
  if (!updated) throw SqsErrors.queueDoesNotExist();
}

/** Stores a new Policy document (undefined removes it), leaving every other attribute as it was. */
export function withPolicy(attributes: StoredQueueAttributes, policy: string | undefined): StoredQueueAttributes {
  const { Policy: _previous, ...rest } = attributes;
  return policy === undefined ? rest : { ...rest, Policy: policy };
}
