import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import * as v3 from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

// --max-request-bytes-in-flight: a request whose body would pass the limit is answered RequestThrottled
// before its body is read, in its own protocol, and an SDK with retries gets through once room is made.

const LIMIT = 1024 * 1024;
const SLOW_BODY_BYTES = 900_000;

/** A SendMessage whose client sends the headers and a first part of a 900 KB body, then stalls. */
function stalledSend(url: string, queueUrl: string): { finish(): Promise<number>; req: ClientRequest } {
  const head = `Action=SendMessage&QueueUrl=${encodeURIComponent(queueUrl)}&MessageBody=`;
  const body = head + 'a'.repeat(SLOW_BODY_BYTES - head.length);
  const { hostname, port } = new URL(url);
  const req = httpRequest({
    hostname,
    port,
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve).on('error', reject);
  });
  req.write(body.slice(0, 1_000));
  return {
    req,
    async finish() {
      req.end(body.slice(1_000));
      const res = await response;
      res.resume();
      return res.statusCode ?? 0;
    },
  };
}

describe('request bytes in flight', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ limits: { maxRequestBytesInFlight: LIMIT } });
  });
  afterAll(() => server.close());

  describe.each(clientFactories)('over $protocol', ({ protocol, make }) => {
    let sqs: SqsUnderTest;
    let queueUrl: string;
    beforeAll(async () => {
      sqs = make(server.url);
      queueUrl = (await sqs.call('CreateQueue', { QueueName: `budget-${protocol}` })).QueueUrl;
    });
    afterAll(() => sqs.destroy());

    it('answers RequestThrottled (403) while a slow upload holds the budget, and admits small requests', async () => {
      // given a client uploading a 900 KB body slowly
      const slow = stalledSend(server.url, queueUrl);
      await expect.poll(() => sqsBudgetHeld(server)).toBe(true);
      // when another client sends 300 KB
      const throttled = await failureOf(sqs.call('SendMessage', { QueueUrl: queueUrl, MessageBody: 'b'.repeat(300_000) }));
      // then it is throttled, retryably, in its protocol; a small request still gets through
      expect(throttled).toMatchObject({ code: 'RequestThrottled', status: 403 });
      await expect(sqs.call('GetQueueUrl', { QueueName: `budget-${protocol}` })).resolves.toMatchObject({ QueueUrl: queueUrl });
      expect(await slow.finish()).toBe(200);
    });
  });

  it('lets an SDK with retries through once the budget is free', async () => {
    // given the JSON SDK with its default retry strategy, and a stalled upload holding the budget
    const client = new v3.SQSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 10,
    });
    const { QueueUrl } = await client.send(new v3.CreateQueueCommand({ QueueName: 'budget-retry' }));
    const slow = stalledSend(server.url, QueueUrl!);
    await expect.poll(() => sqsBudgetHeld(server)).toBe(true);
    // when a large send is throttled and retried while the upload completes
    const sent = client.send(new v3.SendMessageCommand({ QueueUrl, MessageBody: 'c'.repeat(300_000) }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await slow.finish()).toBe(200);
    // then the send succeeds after its retries and both messages are stored
    const result = await sent;
    expect(result.$metadata.attempts).toBeGreaterThan(1);
    const stats = await server.services.storage.queueStats((await server.services.storage.getQueue('000000000000', 'budget-retry'))!.id, Date.now());
    expect(stats.visible).toBe(2);
    client.destroy();
  });
});

/** The stalled upload has been admitted (its headers were read): a 300 KB request no longer fits. */
async function sqsBudgetHeld(server: TestServer): Promise<boolean> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `Action=ListQueues&Pad=${'p'.repeat(300_000)}`,
  });
  await res.arrayBuffer();
  return res.status === 403;
}
