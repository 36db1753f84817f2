import * as v3 from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleWharf, type Assembled } from '../../src/assemble.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer } from '../helpers/server.js';

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
const { default: AWS } = await import('aws-sdk');

// --test-controls through the SDKs: the virtual clock replaces sleeping, faults exercise the SDKs' own
// retries, reset and peek. The server is assembled as main.ts does, so the test can see parked waiters.

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };
const credentials = { accessKeyId: 'AKIDWHARFTEST', secretAccessKey: 'wharf-test-secret' };

let server: Assembled;
let url: string;
beforeAll(async () => {
  server = await assembleWharf({
    storage: openSqliteStorage({ path: ':memory:' }),
    identity: { region: 'us-east-1', accountId: '000000000000' },
    maxMessageBytes: 1_048_576,
    log: silentLog,
    metrics: false,
    console: false,
    testControls: true,
  });
  await server.startBackground();
  url = await server.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  server.services.waiters.close();
  await server.stopBackground();
  await server.app.close();
  await server.services.storage.close();
});

const control = async (method: string, path: string, body?: object) => {
  const response = await fetch(`${url}/_wharf${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as any };
};
const advance = (seconds: number) => control('POST', '/clock', { advanceSeconds: seconds });
const queueIdOf = async (name: string) => (await server.services.storage.getQueue('000000000000', name))!.id;

describe.each(clientFactories)('test controls over $protocol', ({ protocol, make }) => {
  let sqs: SqsUnderTest;
  let counter = 0;
  const newQueue = async (attributes: Record<string, string> = {}, suffix = '') => {
    const name = `${protocol}-tc-${++counter}${suffix}`;
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name, Attributes: attributes });
    return { name, QueueUrl: QueueUrl as string };
  };
  const bodies = async (QueueUrl: string, params: object = {}) =>
    (((await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, ...params })).Messages ?? []) as any[]).map((m) => m.Body);
  beforeAll(() => {
    sqs = make(url);
  });
  afterAll(() => sqs.destroy());

  it('receives a message again after advancing the clock past a 3600 s visibility timeout, without waiting', async () => {
    // given
    const { QueueUrl } = await newQueue();
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'hour' });
    expect(await bodies(QueueUrl, { VisibilityTimeout: 3600 })).toEqual(['hour']);
    await advance(3599);
    expect(await bodies(QueueUrl)).toEqual([]);
    // when
    const started = Date.now();
    await advance(1);
    // then
    expect(await bodies(QueueUrl)).toEqual(['hour']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('shows a delayed message once the clock passes its delay', async () => {
    const { QueueUrl } = await newQueue();
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'later', DelaySeconds: 900 });
    expect(await bodies(QueueUrl)).toEqual([]);
    await advance(900);
    expect(await bodies(QueueUrl)).toEqual(['later']);
  });

  it('forgets a FIFO deduplication id after 5 virtual minutes', async () => {
    const { QueueUrl } = await newQueue({ FifoQueue: 'true' }, '.fifo');
    const send = () => sqs.call('SendMessage', { QueueUrl, MessageBody: 'once', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
    const first = await send();
    await advance(299);
    expect((await send()).MessageId).toBe(first.MessageId);
    await advance(1);
    expect((await send()).MessageId).not.toBe(first.MessageId);
    expect(await bodies(QueueUrl)).toEqual(['once', 'once']);
  });

  it('wakes a parked long poll when the clock passes a delay', async () => {
    // given: a poll parked on a queue whose only message is delayed 10 minutes
    const { name, QueueUrl } = await newQueue();
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'due', DelaySeconds: 600 });
    const started = Date.now();
    const polling = sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
    const queueId = await queueIdOf(name);
    await expect.poll(() => server.services.waiters.waitingCount(queueId)).toBe(1);
    // when
    await advance(600);
    // then
    expect(((await polling).Messages ?? []).map((m: any) => m.Body)).toEqual(['due']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('answers an injected error in the protocol of the request, then serves normally', async () => {
    const { name, QueueUrl } = await newQueue();
    await control('POST', '/faults', { action: 'SendMessage', queueName: name, error: 'RequestThrottled', count: 1 });
    expect(await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: 'x' }))).toMatchObject({ code: 'RequestThrottled', status: 403 });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'x' });
    expect((await control('GET', '/faults')).body).toEqual({ faults: [] });
  });

  it('peeks without changing visibility or receive counts', async () => {
    const { name, QueueUrl } = await newQueue();
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'look' });
    const { status, body } = await control('GET', `/queues/${name}/messages`);
    expect(status).toBe(200);
    expect(body.messages).toMatchObject([{ body: 'look', receiveCount: 0 }]);
    expect(await bodies(QueueUrl)).toEqual(['look']);
    expect((await control('GET', '/queues/nope/messages')).status).toBe(404);
  });
});

describe('SDK retry strategies against injected throttling', () => {
  it('the v3 SDK (JSON) retries ThrottlingException and then succeeds', async () => {
    const client = new v3.SQSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 3 });
    try {
      const { QueueUrl } = await client.send(new v3.CreateQueueCommand({ QueueName: 'retry-json' }));
      await control('POST', '/faults', { action: 'SendMessage', error: 'ThrottlingException', count: 2 });
      const sent = await client.send(new v3.SendMessageCommand({ QueueUrl, MessageBody: 'persisted' }));
      expect(sent.$metadata.attempts).toBe(3);
      expect((await control('GET', '/queues/retry-json/messages')).body.messages).toHaveLength(1);
    } finally {
      client.destroy();
    }
  });

  it('the v2 SDK (Query) retries RequestThrottled and then succeeds', async () => {
    const client = new AWS.SQS({ endpoint: url, region: 'us-east-1', credentials, sslEnabled: false, maxRetries: 3, retryDelayOptions: { base: 10 } });
    const { QueueUrl } = await client.createQueue({ QueueName: 'retry-query' }).promise();
    await control('POST', '/faults', { action: 'SendMessage', error: 'RequestThrottled', count: 2 });
    await client.sendMessage({ QueueUrl: QueueUrl!, MessageBody: 'persisted' }).promise();
    expect((await control('GET', '/queues/retry-query/messages')).body.messages).toHaveLength(1);
    expect((await control('GET', '/faults')).body).toEqual({ faults: [] });
  });
});

describe('reset and the clock API', () => {
  it('leaves a clean server: no queues, no 60-second rules, no faults', async () => {
    const sqs = clientFactories[0].make(url);
    try {
      const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'to-reset' });
      await sqs.call('SendMessage', { QueueUrl, MessageBody: 'gone' });
      await sqs.call('DeleteQueue', { QueueUrl });
      await control('POST', '/faults', { latencyMs: 1 });
      expect((await control('POST', '/reset')).status).toBe(200);
      expect((await sqs.call('ListQueues', {})).QueueUrls ?? []).toEqual([]);
      expect((await control('GET', '/faults')).body).toEqual({ faults: [] });
      const again = await sqs.call('CreateQueue', { QueueName: 'to-reset' });
      expect(((await sqs.call('ReceiveMessage', { QueueUrl: again.QueueUrl })).Messages ?? [])).toEqual([]);
    } finally {
      sqs.destroy();
    }
  });

  it('reports and sets the virtual time, and refuses to go back', async () => {
    const before = (await control('GET', '/clock')).body;
    const target = new Date(before.nowMs + 86_400_000).toISOString();
    const after = await control('POST', '/clock', { set: target });
    expect(after.status).toBe(200);
    expect(after.body.nowMs).toBeGreaterThanOrEqual(Date.parse(target));
    expect((await control('POST', '/clock', { set: before.now })).status).toBe(400);
    expect((await control('POST', '/clock', { advanceSeconds: -1 })).status).toBe(400);
    expect((await control('POST', '/faults', { error: 'Nope' })).status).toBe(400);
  });
});

describe('without --test-controls', () => {
  it('answers 404 on every control path and keeps the real clock', async () => {
    const plain = await startServer();
    try {
      for (const [method, path] of [['POST', '/reset'], ['GET', '/clock'], ['POST', '/clock'], ['GET', '/faults'], ['GET', '/queues/q/messages']]) {
        const response = await fetch(`${plain.url}/_wharf${path}`, { method: method! });
        expect(response.status, `${method} ${path}`).toBe(404);
        await response.arrayBuffer();
      }
      expect(plain.services.faults).toBeUndefined();
      expect(Math.abs(plain.services.clock.now() - Date.now())).toBeLessThan(1_000);
    } finally {
      await plain.close();
    }
  });
});
