import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Many consumers at once, through the real SDKs. 64 long polls on one queue while 20,000 messages are sent
// must see each message exactly once within its visibility window (no lost wake-up strands a message,
// no claim hands one out twice); 50 FIFO groups drained by 16 consumers keep each group's order.
// Consumers and senders alternate between the two SDKs (JSON and Query), so both wire protocols take part
// in the same race instead of each running it alone (which doubled the suite's longest test).
// The store runs with relaxed durability: fsync cost is not what this measures.

const TOTAL = 20_000;
const CONSUMERS = 64;
const SENDERS = 8;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ storage: { durability: 'relaxed' } });
});
afterAll(() => server.close());

describe('concurrency over both protocols at once', () => {
  let consumers: SqsUnderTest[];
  let senders: SqsUnderTest[];
  let sender: SqsUnderTest;
  beforeAll(() => {
    // Clients alternate JSON, Query, JSON, …: consumer i (and sender i) uses the SDK i % 2.
    consumers = Array.from({ length: 8 }, (_, i) => clientFactories[i % 2]!.make(server.url));
    senders = clientFactories.map(({ make }) => make(server.url));
    sender = senders[0]!;
  });
  afterAll(() => [...consumers, ...senders].forEach((c) => c.destroy()));

  it(`delivers ${TOTAL.toLocaleString('en-US')} messages sent during ${CONSUMERS} long polls exactly once each`, { timeout: 240_000 }, async () => {
    // given 64 consumers long-polling one queue (visibility 120 s: longer than the test)
    const QueueUrl = (await sender.call('CreateQueue', { QueueName: 'many-consumers', Attributes: { VisibilityTimeout: '120' } })).QueueUrl;
    const seen = new Map<string, number>();
    let received = 0;
    const deadline = Date.now() + 200_000;
    const consume = async (client: SqsUnderTest) => {
      while (received < TOTAL && Date.now() < deadline) {
        const { Messages = [] } = await client.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
        for (const m of Messages as { Body: string }[]) {
          seen.set(m.Body, (seen.get(m.Body) ?? 0) + 1);
          received += 1;
        }
      }
    };
    const polling = Array.from({ length: CONSUMERS }, (_, i) => consume(consumers[i % consumers.length]!));
    // when 8 senders send 20,000 messages in batches of 10
    let next = 0;
    const send = async (client: SqsUnderTest) => {
      while (next < TOTAL) {
        const first = next;
        next += 10;
        const Entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${first + i}` }));
        const result = await client.call('SendMessageBatch', { QueueUrl, Entries });
        expect(result.Failed ?? []).toEqual([]);
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, (_, i) => send(senders[i % senders.length]!)));
    await Promise.all(polling);
    // then every message arrived once, and none is left visible
    expect(seen.size).toBe(TOTAL);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(received).toBe(TOTAL);
    const { Attributes } = await sender.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: String(TOTAL) });
  });

  it('keeps the order of each of 50 FIFO groups across 16 consumers, delivering each message once', { timeout: 120_000 }, async () => {
    // given 50 groups of 20 messages
    const QueueUrl = (
      await sender.call('CreateQueue', {
        QueueName: 'fifty-groups.fifo',
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '120' },
      })
    ).QueueUrl;
    const groups = 50;
    const perGroup = 20;
    for (let i = 0; i < perGroup; i++) {
      for (let first = 0; first < groups; first += 10) {
        const Entries = Array.from({ length: 10 }, (_, k) => ({ Id: `g${first + k}`, MessageBody: `${first + k}:${i}`, MessageGroupId: `group-${first + k}` }));
        await senders[(i + first / 10) % senders.length]!.call('SendMessageBatch', { QueueUrl, Entries });
      }
    }
    // when 16 consumers receive and delete until everything is gone
    const order = new Map<string, number[]>();
    let received = 0;
    const consume = async (client: SqsUnderTest) => {
      while (received < groups * perGroup) {
        const { Messages = [] } = await client.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
        for (const m of Messages as { Body: string }[]) {
          const [group, index] = m.Body.split(':');
          order.set(group!, [...(order.get(group!) ?? []), Number(index)]);
          received += 1;
        }
        if (Messages.length > 0) {
          await client.call('DeleteMessageBatch', {
            QueueUrl,
            Entries: (Messages as { ReceiptHandle: string }[]).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => consume(consumers[i % consumers.length]!)));
    // then each group arrived whole, in order, once
    expect(order.size).toBe(groups);
    for (const indexes of order.values()) expect(indexes).toEqual(Array.from({ length: perGroup }, (_, i) => i));
  });
});
