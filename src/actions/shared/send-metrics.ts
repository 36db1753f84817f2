import type { Metrics } from '../../core/metrics.js';
import { messageSizeBytes } from '../../core/message-attributes.js';
import type { QueueAddress } from '../../core/queue-url.js';
import type { MessageAttributeMap } from '../../core/types.js';
import type { SendResult } from '../../storage/storage.js';

/** Reports stored sends (with their size) and FIFO duplicates; entries and results are in the same order. */
export function recordSends(
  metrics: Metrics,
  queue: QueueAddress,
  entries: readonly { MessageBody: string; MessageAttributes?: MessageAttributeMap }[],
  results: readonly SendResult[],
): void {
  results.forEach((result, i) => {
    if (result.outcome === 'duplicate') return metrics.messageDeduplicated(queue);
    const entry = entries[i]!;
    metrics.messageSent(queue, messageSizeBytes(entry.MessageBody, entry.MessageAttributes ?? {}));
  });
}
