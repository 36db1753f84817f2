import { z } from 'zod';
import { sequenceNumberOf } from '../core/ids.js';
import { defineAction } from './define-action.js';
import { SendFields } from './shared/message-input.js';
import { prepareSend, storeMessages } from './shared/prepare-send.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { recordSends } from './shared/send-metrics.js';

export const SendMessageInput = z.object({ QueueUrl: QueueUrlInput, ...SendFields });

export const sendMessage = defineAction('SendMessage', () => SendMessageInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl);
  const prepared = prepareSend(ctx, queue, input, 'single');
  const [result] = await storeMessages(ctx, queue, [prepared.toStore]);
  if (ctx.metrics) recordSends(ctx.metrics, queue, [input], [result!]);
  return {
    ...prepared.reply,
    // A FIFO duplicate inside the deduplication window is answered with the original message's id.
    MessageId: result!.messageId,
    SequenceNumber: queue.fifo ? sequenceNumberOf(result!.seq) : undefined,
  };
});
