import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionHarness } from '../helpers/action-context.js';

let harness: ReturnType<typeof actionHarness>;
beforeEach(() => {
  harness = actionHarness();
});
afterEach(() => harness.close());

const MINUTE = 60_000;

async function fifoQueue(name = 'q.fifo', attributes: Record<string, string> = {}) {
  const { QueueUrl } = await harness.call('CreateQueue', {
    QueueName: name,
    Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true', ...attributes },
  });
  return QueueUrl as string;
}

const bodies = async (QueueUrl: string) =>
  ((await harness.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 })).Messages as any[]).map(
    (m) => m.Body,
  );

describe('FIFO deduplication window', () => {
  it('drops a duplicate inside five minutes and accepts it after', async () => {
    const QueueUrl = await fifoQueue();
    const first = await harness.call('SendMessage', { QueueUrl, MessageBody: 'once', MessageGroupId: 'g' });
    harness.clock.advance(5 * MINUTE - 1);
    expect((await harness.call('SendMessage', { QueueUrl, MessageBody: 'once', MessageGroupId: 'g' })).MessageId).toBe(first.MessageId);
    harness.clock.advance(2);
    const later = await harness.call('SendMessage', { QueueUrl, MessageBody: 'once', MessageGroupId: 'g' });
    expect(later.MessageId).not.toBe(first.MessageId);
    expect(await bodies(QueueUrl)).toEqual(['once', 'once']);
  });

  it('scopes deduplication to the group with DeduplicationScope=messageGroup', async () => {
    const QueueUrl = await fifoQueue('scoped.fifo', { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'a' });
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'b' });
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'a' });
    expect(await bodies(QueueUrl)).toHaveLength(2);
  });

  it('forgets deduplication ids on purge', async () => {
    const QueueUrl = await fifoQueue();
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'g' });
    await harness.call('PurgeQueue', { QueueUrl });
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'g' });
    expect(await bodies(QueueUrl)).toEqual(['x']);
  });
});

describe('FIFO delay', () => {
  it('applies the queue delay even when a message asks for DelaySeconds 0', async () => {
    const QueueUrl = await fifoQueue('delayed.fifo', { DelaySeconds: '5' });
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'later', MessageGroupId: 'g', DelaySeconds: 0 });
    expect(await bodies(QueueUrl)).toEqual([]);
    harness.clock.advance(5_000);
    expect(await bodies(QueueUrl)).toEqual(['later']);
  });
});

describe('queue-level time rules', () => {
  it('allows one purge per minute', async () => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'p' });
    await harness.call('PurgeQueue', { QueueUrl });
    await expect(harness.call('PurgeQueue', { QueueUrl })).rejects.toMatchObject({ code: 'AWS.SimpleQueueService.PurgeQueueInProgress' });
    harness.clock.advance(MINUTE);
    await harness.call('PurgeQueue', { QueueUrl });
  });

  it('refuses to recreate a deleted queue for 60 seconds', async () => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'again' });
    await harness.call('DeleteQueue', { QueueUrl });
    await expect(harness.call('CreateQueue', { QueueName: 'again' })).rejects.toMatchObject({
      code: 'AWS.SimpleQueueService.QueueDeletedRecently',
    });
    harness.clock.advance(MINUTE);
    expect((await harness.call('CreateQueue', { QueueName: 'again' })).QueueUrl).toBe(QueueUrl);
  });

  it('expires messages after the retention period, also when it is shortened', async () => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'r', Attributes: { MessageRetentionPeriod: '120' } });
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'old' });
    harness.clock.advance(61_000);
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'young' });
    harness.clock.advance(60_000);
    await harness.services.storage.maintenance(harness.clock.now());
    expect(await bodies(QueueUrl)).toEqual(['young']);
    await harness.call('SetQueueAttributes', { QueueUrl, Attributes: { MessageRetentionPeriod: '60' } });
    expect(await bodies(QueueUrl)).toEqual([]);
  });

  it('caps a message at 12 hours of invisibility counted from its receive', async () => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'cap' });
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'long job' });
    const [message] = (await harness.call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 43_200 })).Messages;
    harness.clock.advance(2 * 3_600_000);
    await harness.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 36_000 });
    await expect(
      harness.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 36_001 }),
    ).rejects.toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Value 36001 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds].',
    });
  });
});

describe('fair queues', () => {
  it('serves a quiet tenant ahead of a noisy tenant backlog', async () => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'fair' });
    for (let i = 0; i < 50; i++) await harness.call('SendMessage', { QueueUrl, MessageBody: `noisy-${i}`, MessageGroupId: 'noisy' });
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'quiet-0', MessageGroupId: 'quiet' });
    const { Messages } = await harness.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 2, AttributeNames: ['MessageGroupId'] });
    expect(Messages.map((m: any) => m.Attributes.MessageGroupId).sort()).toEqual(['noisy', 'quiet']);
    const sent = await harness.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'quiet' });
    expect(sent.SequenceNumber).toBeUndefined();
  });
});

describe('shutdown', () => {
  it('answers a parked long poll with no messages as soon as the waiters close, without looping', async () => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'closing' });
    const storage = harness.services.storage;
    let claims = 0;
    const receiveMessages = storage.receiveMessages.bind(storage);
    storage.receiveMessages = (request) => {
      claims++;
      return receiveMessages(request);
    };
    const polling = harness.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
    await expect.poll(() => claims).toBe(1);
    harness.services.waiters.close();
    expect((await polling).Messages).toEqual([]);
    expect(claims).toBeLessThanOrEqual(2);
  });
});
