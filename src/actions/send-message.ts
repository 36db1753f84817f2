import { z } from 'zod';
import { defineAction } from './define-action.js';
import { SendFields } from './shared/message-input.js';
import { prepareSend, sentAnswer, storeMessages } from './shared/prepare-send.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { recordSends } from './shared/send-metrics.js';

export const SendMessageInput = z.object({ QueueUrl: QueueUrlInput, ...SendFields });

export const sendMessage = defineAction('SendMessage', () => SendMessageInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'SendMessage');
  const prepared = prepareSend(ctx, queue, input, 'single');
  const [result] = await storeMessages(ctx, queue, [prepared.toStore]);
  if (ctx.metrics) recordSends(ctx.metrics, queue, [input], [result!]);
  return sentAnswer(prepared, result!, queue.fifo);
});
