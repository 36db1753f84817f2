import { createHash } from 'node:crypto';
import type { ActionContext } from '../../core/context.js';
import { SqsErrors } from '../../core/errors.js';
import { newMessageId, sequenceNumberOf } from '../../core/ids.js';
import { DEDUPLICATION_WINDOW_MS } from '../../core/limits.js';
import {
  md5Hex,
  md5OfMessageAttributes,
  messageSizeBytes,
  validateMessageAttributes,
  validateMessageBody,
  validateSystemAttributes,
} from '../../core/message-attributes.js';
import { queueSettings } from '../../core/queue-attributes.js';
import type { MessageAttributeMap, QueueRecord } from '../../core/types.js';
import type { MessageToSend, SendResult } from '../../storage/storage.js';
import type { SendEntry } from './message-input.js';

/** SendMessage and SendMessageBatch word some errors differently (reference §2, §9.10). */
export type SendVariant = 'single' | 'batch';

export interface PreparedSend {
  toStore: MessageToSend;
  reply: { MD5OfMessageBody: string; MD5OfMessageAttributes?: string; MD5OfMessageSystemAttributes?: string };
}

const GROUP_OR_DEDUP_ID = /^[\x21-\x7e]{1,128}$/;

function checkId(parameter: string, value: string): void {
  if (!GROUP_OR_DEDUP_ID.test(value)) {
    throw SqsErrors.invalidParameter(
      parameter,
      value,
      `${parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  }
}

/** FIFO rules that SendMessageBatch applies to the whole request before looking at any entry. */
export function checkFifoEntry(queue: QueueRecord, entry: SendEntry, variant: SendVariant): void {
  if (!queue.fifo) return;
  if (entry.MessageGroupId === undefined) {
    throw variant === 'single'
      ? SqsErrors.missingParameter('MessageGroupId')
      : SqsErrors.invalidParameterValue('The request must contain the parameter MessageGroupId.');
  }
  if (entry.MessageDeduplicationId === undefined && !queueSettings(queue.attributes).contentBasedDeduplication) {
    throw SqsErrors.invalidParameterValue(
      'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
  }
}

function checkSize(queue: QueueRecord, body: string, attributes: MessageAttributeMap, variant: SendVariant): void {
  const limit = queueSettings(queue.attributes).maximumMessageSize;
  // AWS accepts a message of exactly the limit despite the wording "shorter than".
  if (messageSizeBytes(body, attributes) > limit) {
    const lead = variant === 'single' ? 'One or more parameters are invalid.' : 'One or more parameters cannot be validated.';
    throw SqsErrors.invalidParameterValue(`${lead} Reason: Message must be shorter than ${limit} bytes.`);
  }
}

function checkQueueTypeRules(queue: QueueRecord, entry: SendEntry): void {
  if (entry.MessageGroupId !== undefined) checkId('MessageGroupId', entry.MessageGroupId);
  if (queue.fifo) {
    if (entry.MessageDeduplicationId !== undefined) checkId('MessageDeduplicationId', entry.MessageDeduplicationId);
    if (entry.DelaySeconds !== undefined && entry.DelaySeconds !== 0) {
      throw SqsErrors.invalidParameter(
        'DelaySeconds',
        entry.DelaySeconds,
        'The request include parameter that is not valid for this queue type.',
      );
    }
  } else if (entry.MessageDeduplicationId !== undefined) {
    throw SqsErrors.invalidParameter(
      'MessageDeduplicationId',
      entry.MessageDeduplicationId,
      'The request includes a parameter that is not valid for this queue type.',
    );
  }
}

/** Validates one message against the queue and builds what storage keeps and what the sender is told. */
export function prepareSend(ctx: ActionContext, queue: QueueRecord, entry: SendEntry, variant: SendVariant): PreparedSend {
  validateMessageBody(entry.MessageBody);
  const attributes = entry.MessageAttributes ?? {};
  validateMessageAttributes(attributes);
  const explicitSystem = entry.MessageSystemAttributes ?? {};
  validateSystemAttributes(explicitSystem);
  checkSize(queue, entry.MessageBody, attributes, variant);
  checkQueueTypeRules(queue, entry);
  checkFifoEntry(queue, entry, variant);

  const settings = queueSettings(queue.attributes);
  const now = ctx.clock.now();
  const trace = ctx.request.traceHeader;
  // The X-Amzn-Trace-Id header becomes AWSTraceHeader unless the request set that attribute itself.
  const systemAttributes: MessageAttributeMap =
    trace && !explicitSystem.AWSTraceHeader ? { ...explicitSystem, AWSTraceHeader: { DataType: 'String', StringValue: trace } } : explicitSystem;
  const md5OfBody = md5Hex(entry.MessageBody);
  const deduplicationId = queue.fifo
    ? (entry.MessageDeduplicationId ?? createHash('sha256').update(entry.MessageBody, 'utf8').digest('hex'))
    : null;
  const groupId = entry.MessageGroupId ?? null;
  // FIFO queues have no per-message delay (only 0 is accepted); the queue's delay always applies.
  const delaySeconds = queue.fifo ? settings.delaySeconds : (entry.DelaySeconds ?? settings.delaySeconds);
  return {
    toStore: {
      message: {
        messageId: newMessageId(),
        body: entry.MessageBody,
        md5OfBody,
        attributes,
        systemAttributes,
        senderId: ctx.request.senderId,
        visibleAt: now + delaySeconds * 1000,
        groupId,
        deduplicationId,
      },
      deduplication:
        deduplicationId === null
          ? null
          : {
              scope: settings.deduplicationScope === 'messageGroup' ? (groupId ?? '') : '',
              deduplicationId,
              expiresAt: now + DEDUPLICATION_WINDOW_MS,
            },
    },
    reply: {
      MD5OfMessageBody: md5OfBody,
      MD5OfMessageAttributes: Object.keys(attributes).length > 0 ? md5OfMessageAttributes(attributes) : undefined,
      MD5OfMessageSystemAttributes:
        Object.keys(explicitSystem).length > 0 ? md5OfMessageAttributes(explicitSystem) : undefined,
    },
  };
}

/**
 * Stores prepared messages in one transaction and wakes the queue's long polls. A queue deleted since the
 * action resolved it answers QueueDoesNotExist, as if it had been gone before the request.
 */
export async function storeMessages(ctx: ActionContext, queue: QueueRecord, messages: MessageToSend[]): Promise<SendResult[]> {
  const stored = ctx.storage.sendMessages(queue.id, messages, ctx.clock.now());
  // Delayed messages wake a poll too: it then waits until they are due rather than its old deadline.
  // Woken now, a parked receive's claim joins this send's transaction (see commitsOneTurnTogether); if
  // the send fails, the receive finds nothing and parks again.
  const wakeEarly = ctx.storage.commitsOneTurnTogether === true;
  if (wakeEarly) ctx.waiters.notify(queue.id, messages.length);
  const results = await stored;
  if (results === 'queueGone') throw SqsErrors.queueDoesNotExist();
  if (!wakeEarly) ctx.waiters.notify(queue.id, results.filter((result) => result.outcome === 'sent').length);
  return results;
}

/**
 * The answer for one stored message: the MD5s prepareSend computed, the stored id (a FIFO duplicate inside
 * the deduplication window is answered with the original message's id) and a FIFO sequence number. Written
 * field by field, not `{ ...prepared.reply, MessageId }` (why: actionContext in api/dispatch.ts).
 */
export function sentAnswer(prepared: PreparedSend, result: SendResult, fifo: boolean) {
  return {
    MessageId: result.messageId,
    MD5OfMessageBody: prepared.reply.MD5OfMessageBody,
    MD5OfMessageAttributes: prepared.reply.MD5OfMessageAttributes,
    MD5OfMessageSystemAttributes: prepared.reply.MD5OfMessageSystemAttributes,
    SequenceNumber: fifo ? sequenceNumberOf(result.seq) : undefined,
  };
}
