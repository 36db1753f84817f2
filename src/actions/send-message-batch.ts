import { z } from 'zod';
import { SqsErrors, SqsError } from '../core/errors.js';
import { messageSizeBytes } from '../core/message-attributes.js';
import { defineAction } from './define-action.js';
import { type BatchFailure, BatchEntryId, batchResult, checkBatchEntries, failureOf } from './shared/batch.js';
import { SendFields } from './shared/message-input.js';
import { checkFifoEntry, type PreparedSend, prepareSend, sentAnswer, storeMessages } from './shared/prepare-send.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { recordSends } from './shared/send-metrics.js';

export const SendMessageBatchInput = z.object({
  QueueUrl: QueueUrlInput,
  Entries: z.array(z.object({ Id: BatchEntryId, ...SendFields })),
});

export const sendMessageBatch = defineAction('SendMessageBatch', () => SendMessageBatchInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'SendMessage');
  checkBatchEntries(input.Entries, 'SendMessageBatchRequestEntry');
  // Whole-request rules first (reference §2 SendMessageBatch): FIFO group/dedup ids, then the batch total.
  for (const entry of input.Entries) checkFifoEntry(queue, entry, 'batch');
  const totalBytes = input.Entries.reduce((sum, e) => sum + messageSizeBytes(e.MessageBody, e.MessageAttributes ?? {}), 0);
  if (totalBytes > ctx.limits.maxBatchBytes) throw SqsErrors.batchRequestTooLong(ctx.limits.maxBatchBytes, totalBytes);

  const failed: BatchFailure[] = [];
  const accepted: { id: string; entry: (typeof input.Entries)[number]; prepared: PreparedSend }[] = [];
  for (const entry of input.Entries) {
    try {
      accepted.push({ id: entry.Id, entry, prepared: prepareSend(ctx, queue, entry, 'batch') });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      failed.push(failureOf(entry.Id, error));
    }
  }
  const results = accepted.length > 0 ? await storeMessages(ctx, queue, accepted.map((a) => a.prepared.toStore)) : [];
  if (ctx.metrics) recordSends(ctx.metrics, queue, accepted.map((a) => a.entry), results);
  const successful = accepted.map(({ id, prepared }, index) => Object.assign({ Id: id }, sentAnswer(prepared, results[index]!, queue.fifo)));
  return batchResult(successful, failed);
});
