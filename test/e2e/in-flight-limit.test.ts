import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

// AWS quotas: 120,000 messages in flight per queue. At the limit a standard queue's ReceiveMessage answers
// OverLimit (403); a FIFO queue returns nothing and no error. The limits are injected small here.

const LIMIT = 3;

describe('in-flight limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ limits: { maxInFlightStandard: LIMIT, maxInFlightFifo: LIMIT } });
  });
  afterAll(() => server.close());

  describe.each(clientFactories)('over $protocol', ({ protocol, make }) => {
    let sqs: SqsUnderTest;
    beforeAll(() => {
      sqs = make(server.url);
    });
    afterAll(() => sqs.destroy());

    const bodiesOf = (result: { Messages?: { Body: string }[] }) => (result.Messages ?? []).map((m) => m.Body);

    it('answers OverLimit on a standard queue with the limit in flight, until one is deleted', async () => {
      // given 5 messages, 3 of them received
      const QueueUrl = (await sqs.call('CreateQueue', { QueueName: `in-flight-${protocol}` })).QueueUrl;
      for (const body of ['a', 'b', 'c', 'd', 'e']) await sqs.call('SendMessage', { QueueUrl, MessageBody: body });
      const first = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
      expect(bodiesOf(first)).toEqual(['a', 'b', 'c']);
      // when another receive comes
      const refused = await failureOf(sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 }));
      // then
      expect(refused).toMatchObject({ code: 'OverLimit', status: 403 });
      expect(refused.message).toContain(`(${LIMIT})`);
      // and deleting one makes room for one
      await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: first.Messages[0].ReceiptHandle });
      expect(bodiesOf(await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 }))).toEqual(['d']);
    });

    it('returns nothing, without an error, from a FIFO queue with the limit in flight', async () => {
      // given messages in 5 groups, 3 of them in flight
      const QueueUrl = (
        await sqs.call('CreateQueue', {
          QueueName: `in-flight-${protocol}.fifo`,
          Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
        })
      ).QueueUrl;
      for (const group of ['g1', 'g2', 'g3', 'g4', 'g5']) {
        await sqs.call('SendMessage', { QueueUrl, MessageBody: group, MessageGroupId: group });
      }
      const first = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
      expect(bodiesOf(first)).toEqual(['g1', 'g2', 'g3']);
      // when
      const capped = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
      // then
      expect(bodiesOf(capped)).toEqual([]);
      await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: first.Messages[0].ReceiptHandle });
      expect(bodiesOf(await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 }))).toEqual(['g4']);
    });
  });
});
