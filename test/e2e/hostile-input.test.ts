import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Hostile-input rules as real SDKs see them (issue 12): both protocols, over a socket.

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe.each(clientFactories)('hostile input over $protocol', ({ protocol, make }) => {
  let sqs: SqsUnderTest;
  const name = (suffix: string) => `${protocol}-hostile-${suffix}`;
  const arn = (queue: string) => `arn:aws:sqs:us-east-1:000000000000:${queue}`;
  beforeAll(() => {
    sqs = make(server.url);
  });
  afterAll(() => sqs.destroy());

  it('reads RedrivePolicy back in canonical form whatever form was set', async () => {
    // given
    await sqs.call('CreateQueue', { QueueName: name('dlq') });
    const { QueueUrl } = await sqs.call('CreateQueue', {
      QueueName: name('src'),
      Attributes: { RedrivePolicy: `{"maxReceiveCount":"1000", "deadLetterTargetArn":"${arn(name('dlq'))}"}` },
    });
    // when
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['RedrivePolicy'] });
    // then
    expect(Attributes.RedrivePolicy).toBe(`{"deadLetterTargetArn":"${arn(name('dlq'))}","maxReceiveCount":1000}`);
  });

  it('keeps __proto__ and constructor as tag keys', async () => {
    // given
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name('tags') });
    const Tags = JSON.parse('{"__proto__":"a","constructor":"b"}') as Record<string, string>;
    // when
    await sqs.call('TagQueue', { QueueUrl, Tags });
    // then
    const listed = await sqs.call('ListQueueTags', { QueueUrl });
    expect(Object.getOwnPropertyDescriptor(listed.Tags, 'constructor')?.value).toBe('b');
    // aws-sdk v2 builds maps by assignment on both sides of the wire, so `__proto__` never survives that
    // client; the server keeps it over Query too (test/protocol/hostile-input.test.ts).
    if (protocol === 'json') expect(Object.getOwnPropertyDescriptor(listed.Tags, '__proto__')?.value).toBe('a');
  });

  it('refuses an attribute DataType XML cannot carry, and later Query receives still parse', async () => {
    // given
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name('types') });
    // when
    const refused = await failureOf(
      sqs.call('SendMessage', { QueueUrl, MessageBody: 'm', MessageAttributes: { a: { DataType: 'String.\u0001', StringValue: 'v' } } }),
    );
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'ok', MessageAttributes: { a: { DataType: 'String.x', StringValue: 'v' } } });
    // then
    expect(refused).toMatchObject({ code: 'InvalidParameterValue', status: 400 });
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl, AttributeNames: ['All'], MessageAttributeNames: ['All'] });
    expect(Messages.map((m: { Body: string }) => m.Body)).toEqual(['ok']);
  });

  it('refuses a body with NUL as InvalidMessageContents', async () => {
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name('nul') });
    expect(await failureOf(sqs.call('SendMessage', { QueueUrl, MessageBody: 'a\u0000b' }))).toMatchObject({
      code: 'InvalidMessageContents',
      status: 400,
    });
  });
});
