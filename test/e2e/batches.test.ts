import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe.each(clientFactories)('batch actions over $protocol', ({ protocol, make }) => {
  let sqs: SqsUnderTest;
  let counter = 0;
  const newQueue = async (attributes: Record<string, string> = {}) =>
    (await sqs.call('CreateQueue', { QueueName: `${protocol}-batch-${++counter}`, Attributes: attributes })).QueueUrl as string;
  beforeAll(() => {
    sqs = make(server.url);
  });
  afterAll(() => sqs.destroy());

  it('sends a mixed batch: good entries succeed, bad ones fail with a per-entry code', async () => {
    const QueueUrl = await newQueue({ MaximumMessageSize: '1024' });
    const result = await sqs.call('SendMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'first', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
        { Id: 'big', MessageBody: 'x'.repeat(1025) },
        { Id: 'b', MessageBody: 'second' },
        { Id: 'bad-chars', MessageBody: 'nul \u0000' },
      ],
    });
    expect(result.Successful.map((entry: any) => entry.Id)).toEqual(['a', 'b']);
    expect(result.Successful[0]).toMatchObject({
      MD5OfMessageBody: '8b04d5e3775d298e78455efc5ca404d5',
      MD5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      MessageId: expect.any(String),
    });
    expect(result.Failed).toEqual(
      expect.arrayContaining([
        {
          Id: 'big',
          SenderFault: true,
          Code: 'InvalidParameterValue',
          Message: 'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.',
        },
        expect.objectContaining({ Id: 'bad-chars', SenderFault: true, Code: 'InvalidMessageContents' }),
      ]),
    );
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
    expect(Messages.map((m: any) => m.Body).sort()).toEqual(['first', 'second']);
  });

  it('deletes and changes visibility in batches, failing only the bad handles', async () => {
    const QueueUrl = await newQueue();
    await sqs.call('SendMessageBatch', {
      QueueUrl,
      Entries: [1, 2, 3].map((n) => ({ Id: `m${n}`, MessageBody: `body ${n}` })),
    });
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 });
    expect(Messages).toHaveLength(3);
    const changed = await sqs.call('ChangeMessageVisibilityBatch', {
      QueueUrl,
      Entries: [
        { Id: 'keep', ReceiptHandle: Messages[0].ReceiptHandle, VisibilityTimeout: 0 },
        { Id: 'junk', ReceiptHandle: 'junk', VisibilityTimeout: 0 },
      ],
    });
    expect(changed.Successful).toEqual([{ Id: 'keep' }]);
    expect(changed.Failed).toEqual([expect.objectContaining({ Id: 'junk', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);

    const deleted = await sqs.call('DeleteMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'one', ReceiptHandle: Messages[1].ReceiptHandle },
        { Id: 'two', ReceiptHandle: Messages[2].ReceiptHandle },
        { Id: 'bad', ReceiptHandle: 'not-a-handle' },
      ],
    });
    expect(deleted.Successful.map((entry: any) => entry.Id).sort()).toEqual(['one', 'two']);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid' })]);
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it.each([
    ['SendMessageBatch', []],
    ['DeleteMessageBatch', []],
    ['ChangeMessageVisibilityBatch', []],
  ])('%s refuses an empty batch', async (action, Entries) => {
    const QueueUrl = await newQueue();
    expect(await failureOf(sqs.call(action, { QueueUrl, Entries }))).toMatchObject({
      code: 'AWS.SimpleQueueService.EmptyBatchRequest',
      status: 400,
    });
  });

  it('refuses too many entries, repeated ids and invalid ids for the whole request', async () => {
    const QueueUrl = await newQueue();
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    expect(await failureOf(sqs.call('SendMessageBatch', { QueueUrl, Entries: entries(11) }))).toEqual({
      code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      status: 400,
      message: 'Maximum number of entries per request are 10. You have sent 11.',
    });
    expect(
      await failureOf(sqs.call('SendMessageBatch', { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }] })),
    ).toMatchObject({ code: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', status: 400 });
    expect(await failureOf(sqs.call('DeleteMessageBatch', { QueueUrl, Entries: [{ Id: 'no spaces', ReceiptHandle: 'h' }] }))).toMatchObject({
      code: 'AWS.SimpleQueueService.InvalidBatchEntryId',
      status: 400,
    });
  });

  it('refuses a batch whose messages total more than 1 MiB, storing none of it', async () => {
    const QueueUrl = await newQueue();
    const quarter = 'q'.repeat(262_144);
    const Entries = [1, 2, 3, 4].map((n) => ({ Id: `e${n}`, MessageBody: quarter }));
    Entries.push({ Id: 'e5', MessageBody: 'x' });
    expect(await failureOf(sqs.call('SendMessageBatch', { QueueUrl, Entries }))).toEqual({
      code: 'AWS.SimpleQueueService.BatchRequestTooLong',
      status: 400,
      message: 'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.',
    });
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] });
    expect(Attributes.ApproximateNumberOfMessages).toBe('0');
  });
});
