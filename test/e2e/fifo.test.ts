import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe.each(clientFactories)('FIFO queues over $protocol', ({ protocol, make }) => {
  let sqs: SqsUnderTest;
  let counter = 0;
  const newFifo = async (attributes: Record<string, string> = {}) =>
    (
      await sqs.call('CreateQueue', {
        QueueName: `${protocol}-fifo-${++counter}.fifo`,
        Attributes: { FifoQueue: 'true', ...attributes },
      })
    ).QueueUrl as string;
  const receive = async (QueueUrl: string, params: object = {}) =>
    ((await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, ...params })).Messages ?? []) as any[];
  beforeAll(() => {
    sqs = make(server.url);
  });
  afterAll(() => sqs.destroy());

  it('requires a group id, with the error SendMessage and SendMessageBatch each give', async () => {
    const QueueUrl = await newFifo({ ContentBasedDeduplication: 'true' });
    expect(await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: 'x' }))).toEqual({
      code: 'MissingParameter',
      status: 400,
      message: 'The request must contain the parameter MessageGroupId.',
    });
    expect(await failureOf(sqs.call('SendMessageBatch', { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x' }] }))).toEqual({
      code: 'InvalidParameterValue',
      status: 400,
      message: 'The request must contain the parameter MessageGroupId.',
    });
  });

  it('requires a deduplication id unless content-based deduplication is on, and rejects per-message delays', async () => {
    const QueueUrl = await newFifo();
    expect(await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'g' }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    });
    expect(
      await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 2 })),
    ).toMatchObject({ code: 'InvalidParameterValue', message: expect.stringContaining('DelaySeconds') });
  });

  it('deduplicates within the window, answering the original message id', async () => {
    const QueueUrl = await newFifo({ ContentBasedDeduplication: 'true' });
    const first = await sqs.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g' });
    const again = await sqs.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g' });
    expect(again.MessageId).toBe(first.MessageId);
    expect(first.SequenceNumber).toMatch(/^\d{20}$/);
    const explicit = await sqs.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g', MessageDeduplicationId: 'other' });
    expect(explicit.MessageId).not.toBe(first.MessageId);
    expect(BigInt(explicit.SequenceNumber)).toBeGreaterThan(BigInt(first.SequenceNumber));
    const messages = await receive(QueueUrl);
    expect(messages.map((m) => m.MessageId)).toEqual([first.MessageId, explicit.MessageId]);
    await sqs.call('DeleteMessageBatch', {
      QueueUrl,
      Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
    });
    // The id is remembered after the message is deleted (AWS): the resend is accepted but not delivered.
    const resent = await sqs.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g' });
    expect(resent.MessageId).toBe(first.MessageId);
    expect(await receive(QueueUrl)).toEqual([]);
  });

  it('keeps order within a group and holds a group back while its message is in flight', async () => {
    const QueueUrl = await newFifo({ ContentBasedDeduplication: 'true' });
    for (const body of ['a1', 'a2', 'a3']) await sqs.call('SendMessage', { QueueUrl, MessageBody: body, MessageGroupId: 'A' });
    for (const body of ['b1', 'b2']) await sqs.call('SendMessage', { QueueUrl, MessageBody: body, MessageGroupId: 'B' });
    const first = await receive(QueueUrl, { MaxNumberOfMessages: 1, AttributeNames: ['All'] });
    expect(first.map((m) => m.Body)).toEqual(['a1']);
    expect(first[0].Attributes).toMatchObject({ MessageGroupId: 'A', SequenceNumber: expect.stringMatching(/^\d{20}$/) });
    // Group A is blocked behind a1; B flows.
    expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['b1', 'b2']);
    expect(await receive(QueueUrl)).toEqual([]);
    await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: first[0].ReceiptHandle });
    expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['a2', 'a3']);
  });

  it('rejects a delete with an expired receipt handle', async () => {
    const QueueUrl = await newFifo({ ContentBasedDeduplication: 'true' });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'expire', MessageGroupId: 'g' });
    const [message] = await receive(QueueUrl, { VisibilityTimeout: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await failureOf(sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: message.ReceiptHandle }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: expect.stringContaining('The receipt handle has expired.'),
    });
  });

  it('returns the same messages for a retried ReceiveRequestAttemptId', async () => {
    const QueueUrl = await newFifo({ ContentBasedDeduplication: 'true' });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'once', MessageGroupId: 'g' });
    const first = await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-1' });
    const retry = await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-1' });
    expect(retry.map((m) => m.MessageId)).toEqual(first.map((m) => m.MessageId));
    expect(retry[0].ReceiptHandle).toBe(first[0].ReceiptHandle);
    expect(await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-2' })).toEqual([]);
  });

  it('applies a changed queue DelaySeconds to messages already queued (retroactive on FIFO, as AWS documents)', async () => {
    // given a FIFO queue with a 900 s delay and a message in it
    const QueueUrl = await newFifo({ ContentBasedDeduplication: 'true', DelaySeconds: '900' });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'held', MessageGroupId: 'g' });
    // a parked long poll sees nothing yet
    const polled = receive(QueueUrl, { WaitTimeSeconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // when the queue's delay is set to 0
    const before = Date.now();
    await sqs.call('SetQueueAttributes', { QueueUrl, Attributes: { DelaySeconds: '0' } });
    // then the queued message is receivable at once, and the parked poll gets it without waiting out its time
    expect((await polled).map((m) => m.Body)).toEqual(['held']);
    expect(Date.now() - before).toBeLessThan(5_000);
    // and a longer delay hides messages not yet received again
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'later', MessageGroupId: 'h' });
    await sqs.call('SetQueueAttributes', { QueueUrl, Attributes: { DelaySeconds: '60' } });
    expect(await receive(QueueUrl)).toEqual([]);
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] });
    expect(Attributes.ApproximateNumberOfMessagesDelayed).toBe('1');
  });

  it('delivers many groups to concurrent consumers in order, with no duplicates', async () => {
    const QueueUrl = await newFifo({ ContentBasedDeduplication: 'true' });
    const groups = 8;
    const perGroup = 15;
    for (let i = 0; i < perGroup; i++) {
      await sqs.call('SendMessageBatch', {
        QueueUrl,
        Entries: Array.from({ length: groups }, (_, g) => ({ Id: `g${g}`, MessageBody: `${g}:${i}`, MessageGroupId: `group-${g}` })),
      });
    }
    const seen = new Map<string, number[]>();
    const consumer = async () => {
      for (let idle = 0; idle < 3; ) {
        const messages = await receive(QueueUrl, { VisibilityTimeout: 30 });
        if (messages.length === 0) {
          idle++;
          continue;
        }
        idle = 0;
        for (const message of messages) {
          const [group, index] = message.Body.split(':');
          seen.set(group, [...(seen.get(group) ?? []), Number(index)]);
        }
        await sqs.call('DeleteMessageBatch', {
          QueueUrl,
          Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
        });
      }
    };
    await Promise.all([consumer(), consumer(), consumer(), consumer()]);
    expect(seen.size).toBe(groups);
    for (const indexes of seen.values()) expect(indexes).toEqual(Array.from({ length: perGroup }, (_, i) => i));
  });
});
