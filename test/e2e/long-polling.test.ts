import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const queueIdOf = async (url: string) => (await server.services.storage.getQueue('000000000000', url.split('/').at(-1)!))!.id;

describe.each(clientFactories)('long polling over $protocol', ({ protocol, make }) => {
  let sqs: SqsUnderTest;
  let counter = 0;
  const newQueue = async (attributes: Record<string, string> = {}) =>
    (await sqs.call('CreateQueue', { QueueName: `${protocol}-lp-${++counter}`, Attributes: attributes })).QueueUrl as string;
  beforeAll(() => {
    sqs = make(server.url);
  });
  afterAll(() => sqs.destroy());

  it('returns as soon as a message is sent, long before the wait time', async () => {
    const QueueUrl = await newQueue();
    const started = Date.now();
    const polling = sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
    await expect.poll(async () => server.services.waiters.waitingCount(await queueIdOf(QueueUrl))).toBe(1);
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'wake up' });
    const { Messages } = await polling;
    expect(Messages.map((m: any) => m.Body)).toEqual(['wake up']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('returns empty when the wait time passes without messages', async () => {
    const QueueUrl = await newQueue();
    const started = Date.now();
    const result = await sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 1 });
    expect(result.Messages ?? []).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('uses the queue ReceiveMessageWaitTimeSeconds when the request gives none', async () => {
    const QueueUrl = await newQueue({ ReceiveMessageWaitTimeSeconds: '1' });
    const started = Date.now();
    await sqs.call('ReceiveMessage', { QueueUrl });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('wakes when an in-flight message is made visible again', async () => {
    const QueueUrl = await newQueue();
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'again' });
    const [message] = (await sqs.call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 600 })).Messages;
    const polling = sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
    await expect.poll(async () => server.services.waiters.waitingCount(await queueIdOf(QueueUrl))).toBe(1);
    await sqs.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 });
    expect((await polling).Messages[0].MessageId).toBe(message.MessageId);
  });

  it('wakes when an in-flight message visibility is shortened to a non-zero value', async () => {
    const QueueUrl = await newQueue();
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'sooner' });
    const [message] = (await sqs.call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 600 })).Messages;
    const started = Date.now();
    const polling = sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
    await expect.poll(async () => server.services.waiters.waitingCount(await queueIdOf(QueueUrl))).toBe(1);
    await sqs.call('ChangeMessageVisibilityBatch', {
      QueueUrl,
      Entries: [{ Id: 'a', ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 1 }],
    });
    expect((await polling).Messages[0].MessageId).toBe(message.MessageId);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('ends parked polls with no messages when the queue is deleted', async () => {
    const QueueUrl = await newQueue();
    const queueId = await queueIdOf(QueueUrl);
    const started = Date.now();
    const polling = sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
    await expect.poll(() => server.services.waiters.waitingCount(queueId)).toBe(1);
    await sqs.call('DeleteQueue', { QueueUrl });
    expect((await polling).Messages ?? []).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.services.waiters.waitingCount(queueId)).toBe(0);
  });

  it('wakes when a visibility timeout or a delay runs out, without any request', async () => {
    const QueueUrl = await newQueue();
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'delayed', DelaySeconds: 1 });
    const started = Date.now();
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 10 });
    expect(Messages[0].Body).toBe('delayed');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

it('drops the waiter when the client disconnects', async () => {
  const sqs = clientFactories[0].make(server.url);
  const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'lp-disconnect' });
  const queueId = await queueIdOf(QueueUrl);
  const controller = new AbortController();
  const { ReceiveMessageCommand, SQSClient } = await import('@aws-sdk/client-sqs');
  const client = new SQSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const polling = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }), { abortSignal: controller.signal });
  await expect.poll(() => server.services.waiters.waitingCount(queueId)).toBe(1);
  controller.abort();
  await expect(polling).rejects.toThrow();
  await expect.poll(() => server.services.waiters.waitingCount(queueId)).toBe(0);
  client.destroy();
});
