import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

describe.each(clientFactories)('dead-letter queues over $protocol', ({ protocol, make }) => {
  let sqs: SqsUnderTest;
  let counter = 0;
  const create = async (name: string, Attributes: Record<string, string> = {}) =>
    (await sqs.call('CreateQueue', { QueueName: name, Attributes })).QueueUrl as string;
  const pair = async (maxReceiveCount: number, fifo = false) => {
    const n = ++counter;
    const suffix = fifo ? '.fifo' : '';
    const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {};
    const dlqName = `${protocol}-dlq-${n}${suffix}`;
    const dlq = await create(dlqName, fifoAttributes);
    const source = await create(`${protocol}-src-${n}${suffix}`, {
      ...fifoAttributes,
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlqName), maxReceiveCount }),
    });
    return { dlq, source, sourceArn: arn(`${protocol}-src-${n}${suffix}`) };
  };
  beforeAll(() => {
    sqs = make(server.url);
  });
  afterAll(() => sqs.destroy());

  it('moves a message to the DLQ on the receive that would exceed maxReceiveCount', async () => {
    const { dlq, source, sourceArn } = await pair(2);
    const sent = await sqs.call('SendMessage', {
      QueueUrl: source,
      MessageBody: 'poison',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'bad' } },
    });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl: source, VisibilityTimeout: 0 });
      expect(Messages[0].MessageId).toBe(sent.MessageId);
    }
    expect((await sqs.call('ReceiveMessage', { QueueUrl: source })).Messages ?? []).toEqual([]);
    const { Messages } = await sqs.call('ReceiveMessage', {
      QueueUrl: dlq,
      MessageAttributeNames: ['All'],
      AttributeNames: ['All'],
    });
    expect(Messages).toHaveLength(1);
    expect(Messages[0]).toMatchObject({ MessageId: sent.MessageId, Body: 'poison', MD5OfMessageAttributes: sent.MD5OfMessageAttributes });
    expect(Messages[0].Attributes).toMatchObject({ DeadLetterQueueSourceArn: sourceArn, ApproximateReceiveCount: '3' });
  });

  it('lists the source queues of a DLQ with pagination', async () => {
    const { dlq, source } = await pair(1);
    const listed = await sqs.call('ListDeadLetterSourceQueues', { QueueUrl: dlq });
    expect(listed.queueUrls).toEqual([source]);
    const { QueueUrl: lonely } = await sqs.call('CreateQueue', { QueueName: `${protocol}-lonely` });
    // JSON always sends the (required) empty list; XML cannot express one, so the Query SDK reports none.
    expect((await sqs.call('ListDeadLetterSourceQueues', { QueueUrl: lonely })).queueUrls ?? []).toEqual([]);
  });

  it('validates the redrive policy: target must exist and be of the same type', async () => {
    const missing = await failureOf(
      create(`${protocol}-orphan`, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('nope'), maxReceiveCount: 1 }) }),
    );
    expect(missing).toMatchObject({ code: 'InvalidParameterValue', status: 400 });
    const standardDlq = `${protocol}-std-dlq`;
    await create(standardDlq);
    const mixed = await failureOf(
      create(`${protocol}-mixed.fifo`, {
        FifoQueue: 'true',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(standardDlq), maxReceiveCount: 1 }),
      }),
    );
    expect(mixed).toMatchObject({ code: 'InvalidParameterValue' });
  });

  it('enforces the DLQ RedriveAllowPolicy', async () => {
    const dlqName = `${protocol}-deny-dlq`;
    await create(dlqName, { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) });
    const denied = await failureOf(
      create(`${protocol}-denied`, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlqName), maxReceiveCount: 3 }) }),
    );
    expect(denied).toMatchObject({ code: 'InvalidParameterValue' });
    const byQueueName = `${protocol}-byq-dlq`;
    await create(byQueueName, {
      RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [arn(`${protocol}-allowed`)] }),
    });
    await create(`${protocol}-allowed`, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(byQueueName), maxReceiveCount: 3 }) });
    expect(
      await failureOf(
        create(`${protocol}-not-allowed`, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(byQueueName), maxReceiveCount: 3 }) }),
      ),
    ).toMatchObject({ code: 'InvalidParameterValue' });
  });

  it('moves FIFO messages to a FIFO DLQ, unblocking their group', async () => {
    const { dlq, source } = await pair(1, true);
    await sqs.call('SendMessage', { QueueUrl: source, MessageBody: 'first', MessageGroupId: 'g' });
    await sqs.call('SendMessage', { QueueUrl: source, MessageBody: 'second', MessageGroupId: 'g' });
    const [first] = (await sqs.call('ReceiveMessage', { QueueUrl: source, VisibilityTimeout: 0 })).Messages;
    expect(first.Body).toBe('first');
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl: source, MaxNumberOfMessages: 10 });
    expect(Messages.map((m: any) => m.Body)).toEqual(['second']);
    expect((await sqs.call('ReceiveMessage', { QueueUrl: dlq })).Messages[0].Body).toBe('first');
  });
});
