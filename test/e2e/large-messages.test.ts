import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { celeryEnvelope, stockUpdate } from '../helpers/payloads.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MiB = 1024 * 1024;
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('a server started with an 8 MiB ceiling', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ maxMessageBytes: 8 * MiB });
  });
  afterAll(() => server.close());

  describe.each(clientFactories)('over $protocol', ({ protocol, make }) => {
    let sqs: SqsUnderTest;
    let counter = 0;
    const newQueue = async (Attributes?: Record<string, string>) =>
      (await sqs.call('CreateQueue', { QueueName: `${protocol}-big-${++counter}`, Attributes })).QueueUrl as string;
    beforeAll(() => {
      sqs = make(server.url);
    });
    afterAll(() => sqs.destroy());

    it('gives a queue created without attributes the raised ceiling', async () => {
      const QueueUrl = await newQueue();
      const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['MaximumMessageSize'] });
      expect(Attributes.MaximumMessageSize).toBe(String(8 * MiB));
    });

    it.each([
      ['the 1.7 MB stock update', stockUpdate()],
      ['its ~3.1 MB Celery/kombu envelope', celeryEnvelope(stockUpdate())],
      ['a 3.2 MB unicode body', 'ü€😀'.repeat(3_200_000 / 9)],
    ])('round-trips %s byte-exact with matching MD5s', async (_, body) => {
      const QueueUrl = await newQueue();
      const sent = await sqs.call('SendMessage', { QueueUrl, MessageBody: body });
      expect(sent.MD5OfMessageBody).toBe(md5(body));
      const [message] = (await sqs.call('ReceiveMessage', { QueueUrl })).Messages;
      expect(message.Body.length).toBe(body.length);
      expect(message.Body === body).toBe(true);
      expect(message.MD5OfBody).toBe(md5(body));
      await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: message.ReceiptHandle });
    });

    it('accepts a message of exactly the ceiling and refuses one byte more (body and attributes)', async () => {
      const QueueUrl = await newQueue();
      const attributes = { k: { DataType: 'String', StringValue: 'x' } };
      const exact = 'a'.repeat(8 * MiB - 'kStringx'.length);
      await sqs.call('SendMessage', { QueueUrl, MessageBody: exact, MessageAttributes: attributes });
      const over = await failureOf(
        sqs.call('SendMessage', { QueueUrl, MessageBody: exact, MessageAttributes: { k: { DataType: 'String', StringValue: 'xy' } } }),
      );
      expect(over).toEqual({
        code: 'InvalidParameterValue',
        status: 400,
        message: `One or more parameters are invalid. Reason: Message must be shorter than ${8 * MiB} bytes.`,
      });
    });

    it('limits batch entries to the queue limit and batch totals to the ceiling', async () => {
      const QueueUrl = await newQueue({ MaximumMessageSize: String(2 * MiB) });
      const entry = (Id: string, size: number) => ({ Id, MessageBody: 'b'.repeat(size) });
      const result = await sqs.call('SendMessageBatch', { QueueUrl, Entries: [entry('fits', 2 * MiB), entry('over', 2 * MiB + 1)] });
      expect(result.Successful.map((e: any) => e.Id)).toEqual(['fits']);
      expect(result.Failed).toEqual([expect.objectContaining({ Id: 'over', Code: 'InvalidParameterValue' })]);
      const total = await failureOf(
        sqs.call('SendMessageBatch', {
          QueueUrl,
          Entries: [entry('a', 2 * MiB), entry('b', 2 * MiB), entry('c', 2 * MiB), entry('d', 2 * MiB), entry('e', 1)],
        }),
      );
      expect(total).toEqual({
        code: 'AWS.SimpleQueueService.BatchRequestTooLong',
        status: 400,
        message: `Batch requests cannot be longer than ${8 * MiB} bytes. You have sent ${8 * MiB + 1} bytes.`,
      });
    });

    it('refuses a MaximumMessageSize above the ceiling with a message that names it', async () => {
      const failure = await failureOf(newQueue({ MaximumMessageSize: String(8 * MiB + 1) }));
      expect(failure).toMatchObject({ code: 'InvalidAttributeValue', status: 400 });
      expect(failure.message).toContain(String(8 * MiB));
    });
  });
});

describe('a server with the default 1 MiB limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  describe.each(clientFactories)('over $protocol', ({ protocol, make }) => {
    let sqs: SqsUnderTest;
    beforeAll(() => {
      sqs = make(server.url);
    });
    afterAll(() => sqs.destroy());

    it('behaves as AWS: 1 MiB accepted, one byte more refused, the stock update refused', async () => {
      const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: `${protocol}-aws-size` });
      await sqs.call('SendMessage', { QueueUrl, MessageBody: 'm'.repeat(MiB) });
      const failure = await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: 'm'.repeat(MiB + 1) }));
      expect(failure).toMatchObject({ code: 'InvalidParameterValue', message: expect.stringContaining('Message must be shorter than 1048576 bytes.') });
      expect(await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: stockUpdate() }))).toMatchObject({ code: 'InvalidParameterValue' });
      expect(await failureOf(sqs.call('CreateQueue', { QueueName: `${protocol}-too-big`, Attributes: { MaximumMessageSize: String(MiB + 1) } }))).toMatchObject({
        code: 'InvalidAttributeValue',
      });
    });

    it('answers an HTTP body beyond what encoding can explain with an AWS-style error in its own protocol', async () => {
      const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: `${protocol}-huge-request` });
      const failure = await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: 'h'.repeat(6 * MiB) }));
      expect(failure).toMatchObject({ code: 'RequestEntityTooLarge', status: 413 });
    });
  });
});
