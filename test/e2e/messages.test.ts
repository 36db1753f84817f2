import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64Of, clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe.each(clientFactories)('messages over $protocol', ({ protocol, make }) => {
  let sqs: SqsUnderTest;
  let counter = 0;
  const newQueue = async (attributes: Record<string, string> = {}) =>
    (await sqs.call('CreateQueue', { QueueName: `${protocol}-msg-${++counter}`, Attributes: attributes })).QueueUrl as string;
  const receive = async (QueueUrl: string, params: object = {}) =>
    ((await sqs.call('ReceiveMessage', { QueueUrl, ...params })).Messages ?? []) as any[];
  beforeAll(() => {
    sqs = make(server.url);
  });
  afterAll(() => sqs.destroy());

  it('round-trips unicode bodies with attributes of every data type and exact MD5s', async () => {
    const QueueUrl = await newQueue();
    const body = 'héllo wörld 🚀 ✓ \r\n tab\t 中文';
    const MessageAttributes = {
      s: { DataType: 'String', StringValue: 'välue' },
      n: { DataType: 'Number', StringValue: '42.5' },
      b: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
      custom: { DataType: 'Number.int', StringValue: '-7' },
      json: { DataType: 'String.json', StringValue: '{"a":1}' },
      gif: { DataType: 'Binary.gif', BinaryValue: Buffer.from('GIF89a') },
    };
    const sent = await sqs.call('SendMessage', { QueueUrl, MessageBody: body, MessageAttributes });
    expect(sent.MD5OfMessageBody).toBe(md5(body));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);

    // AttributeNames rather than MessageSystemAttributeNames: the Query-era SDK predates the newer member.
    const [message] = await receive(QueueUrl, { MessageAttributeNames: ['All'], AttributeNames: ['All'] });
    expect(message.Body).toBe(body);
    expect(message.MessageId).toBe(sent.MessageId);
    expect(message.MD5OfBody).toBe(md5(body));
    expect(message.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message.MessageAttributes.s).toMatchObject({ DataType: 'String', StringValue: 'välue' });
    expect(message.MessageAttributes.custom).toMatchObject({ DataType: 'Number.int', StringValue: '-7' });
    expect(base64Of(message.MessageAttributes.b.BinaryValue)).toBe(Buffer.from([0, 1, 2, 255]).toString('base64'));
    expect(message.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: 'AKIDWHARFTEST' });
    expect(Number(message.Attributes.SentTimestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(Number(message.Attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(Number(message.Attributes.SentTimestamp));
  });

  it('matches the attribute MD5 AWS computes and filters attributes by name and prefix', async () => {
    const QueueUrl = await newQueue();
    const MessageAttributes = {
      Hello: { DataType: 'String', StringValue: 'There' },
      'Help.Me': { DataType: 'String', StringValue: 'Me' },
      General: { DataType: 'String', StringValue: 'Kenobi' },
    };
    const sent = await sqs.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageAttributes });
    expect(sent.MD5OfMessageAttributes).toBe('4c360f3fdafd970e05fae2f149d997f5');
    const [message] = await receive(QueueUrl, { MessageAttributeNames: ['Hel.*'] });
    expect(Object.keys(message.MessageAttributes).sort()).toEqual(['Hello', 'Help.Me']);
    expect(message.MD5OfMessageAttributes).toBe('83fee93c1bcd8b9a5a923ffacdc636c7');
    expect(message.Attributes).toBeUndefined();
  });

  it('carries AWSTraceHeader as a system attribute with its own MD5', async () => {
    const QueueUrl = await newQueue();
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const sent = await sqs.call('SendMessage', {
      QueueUrl,
      MessageBody: 'traced',
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
    });
    expect(sent.MD5OfMessageSystemAttributes).toBe('5ae4d5d7636402d80f4eb6d213245a88');
    const [message] = await receive(QueueUrl, { AttributeNames: ['AWSTraceHeader'] });
    expect(message.Attributes).toEqual({ AWSTraceHeader: trace });
  });

  it('hides a received message until its visibility timeout expires, then counts the second receive', async () => {
    const QueueUrl = await newQueue();
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'vis' });
    const [first] = await receive(QueueUrl, { VisibilityTimeout: 1 });
    expect(await receive(QueueUrl)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const [second] = await receive(QueueUrl, { AttributeNames: ['ApproximateReceiveCount'] });
    expect(second.MessageId).toBe(first.MessageId);
    expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);
    expect(second.Attributes.ApproximateReceiveCount).toBe('2');
  });

  it('makes a message visible again with ChangeMessageVisibility 0 and deletes it', async () => {
    const QueueUrl = await newQueue();
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'cmv' });
    const [message] = await receive(QueueUrl, { VisibilityTimeout: 600 });
    await sqs.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 });
    const [again] = await receive(QueueUrl);
    expect(again.MessageId).toBe(message.MessageId);
    await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: again.ReceiptHandle });
    // Deleting again, and with the older stale handle, succeeds on a standard queue (AWS).
    await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: again.ReceiptHandle });
    await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: message.ReceiptHandle });
    await sqs.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }).then(
      () => expect.unreachable('visibility change on a deleted message must fail'),
      (error) => expect(error.Code ?? error.code).toBe('InvalidParameterValue'),
    );
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('applies ChangeMessageVisibility with a superseded handle to the message (standard queues, as AWS)', async () => {
    const QueueUrl = await newQueue();
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'twice' });
    const [first] = await receive(QueueUrl, { VisibilityTimeout: 0 });
    const [second] = await receive(QueueUrl, { VisibilityTimeout: 600 });
    expect(second.MessageId).toBe(first.MessageId);
    await sqs.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 });
    const batch = await sqs.call('ChangeMessageVisibilityBatch', {
      QueueUrl,
      Entries: [{ Id: 'old', ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 }],
    });
    expect(batch.Successful.map((entry: { Id: string }) => entry.Id)).toEqual(['old']);
    const [third] = await receive(QueueUrl);
    expect(third.MessageId).toBe(first.MessageId);
  });

  it('delays messages per message and per queue, counting them as delayed', async () => {
    const QueueUrl = await newQueue({ DelaySeconds: '1' });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'queue delay' });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'no delay', DelaySeconds: 0 });
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] });
    expect(Attributes.ApproximateNumberOfMessagesDelayed).toBe('1');
    expect((await receive(QueueUrl, { MaxNumberOfMessages: 10 })).map((m) => m.Body)).toEqual(['no delay']);
    const delayed = await receive(QueueUrl, { WaitTimeSeconds: 3 });
    expect(delayed.map((m) => m.Body)).toEqual(['queue delay']);
  });

  it('does not apply a changed queue DelaySeconds to messages already queued (standard queues, as AWS documents)', async () => {
    const QueueUrl = await newQueue({ DelaySeconds: '900' });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'still delayed' });
    await sqs.call('SetQueueAttributes', { QueueUrl, Attributes: { DelaySeconds: '0' } });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'new' });
    expect((await receive(QueueUrl, { MaxNumberOfMessages: 10 })).map((m) => m.Body)).toEqual(['new']);
  });

  it('rejects malformed and foreign receipt handles', async () => {
    const QueueUrl = await newQueue();
    expect(await failureOf(sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: 'garbage' }))).toEqual({
      code: 'ReceiptHandleIsInvalid',
      status: 404,
      message: 'The input receipt handle "garbage" is not a valid receipt handle.',
    });
    const other = await newQueue();
    await sqs.call('SendMessage', { QueueUrl: other, MessageBody: 'elsewhere' });
    const [message] = await receive(other);
    expect(await failureOf(sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: message.ReceiptHandle }))).toMatchObject({
      code: 'ReceiptHandleIsInvalid',
      status: 404,
    });
  });

  it('rejects invalid parameters and bodies with AWS error codes', async () => {
    const QueueUrl = await newQueue();
    expect(await failureOf(sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 11 }))).toEqual({
      code: 'InvalidParameterValue',
      status: 400,
      message: 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    });
    expect(await failureOf(sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 21 }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.',
    });
    expect(await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: 'bad \u0001 char' }))).toMatchObject({
      code: 'InvalidMessageContents',
      status: 400,
    });
    expect(await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: '' }))).toMatchObject({
      code: 'MissingParameter',
      message: 'The request must contain the parameter MessageBody.',
    });
    expect(await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: 'x', DelaySeconds: 901 }))).toMatchObject({
      code: 'InvalidParameterValue',
    });
    expect(
      await failureOf(
        sqs.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageAttributes: { 'AWS.reserved': { DataType: 'String', StringValue: 'v' } } }),
      ),
    ).toMatchObject({ code: 'InvalidParameterValue' });
    expect(
      await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageAttributes: { e: { DataType: 'String', StringValue: '' } } })),
    ).toMatchObject({ code: 'InvalidParameterValue', message: "Message (user) attribute 'e' must contain a non-empty value of type 'String'." });
    // Nothing bad was stored.
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] });
    expect(Attributes.ApproximateNumberOfMessages).toBe('0');
  });

  it('enforces MaximumMessageSize on body plus attributes, accepting exactly the limit', async () => {
    const QueueUrl = await newQueue({ MaximumMessageSize: '1024' });
    const attributes = { k: { DataType: 'String', StringValue: 'x' } };
    const fits = 'a'.repeat(1024 - 'k'.length - 'String'.length - 'x'.length);
    await sqs.call('SendMessage', { QueueUrl, MessageBody: fits, MessageAttributes: attributes });
    expect(await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: `${fits}a`, MessageAttributes: attributes }))).toEqual({
      code: 'InvalidParameterValue',
      status: 400,
      message: 'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.',
    });
  });
});
