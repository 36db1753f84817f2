import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, makeJsonClient, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe.each(clientFactories)('queue lifecycle over $protocol', ({ protocol, make }) => {
  let sqs: SqsUnderTest;
  const name = (suffix: string) => `${protocol}-${suffix}`;
  beforeAll(() => {
    sqs = make(server.url);
  });
  afterAll(() => sqs.destroy());

  it('creates, finds, lists and deletes a queue', async () => {
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name('life') });
    expect(QueueUrl).toBe(`${server.url}/000000000000/${name('life')}`);
    expect(await sqs.call('GetQueueUrl', { QueueName: name('life') })).toMatchObject({ QueueUrl });
    const listed = await sqs.call('ListQueues', { QueueNamePrefix: name('li') });
    expect(listed.QueueUrls).toEqual([QueueUrl]);
    await sqs.call('DeleteQueue', { QueueUrl });
    expect(await failureOf(sqs.call('GetQueueUrl', { QueueName: name('life') }))).toMatchObject({
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      status: 400,
    });
  });

  it('pages ListQueues with MaxResults and NextToken', async () => {
    for (const n of [1, 2, 3]) await sqs.call('CreateQueue', { QueueName: name(`page-${n}`) });
    const first = await sqs.call('ListQueues', { QueueNamePrefix: name('page-'), MaxResults: 2 });
    expect(first.QueueUrls).toHaveLength(2);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await sqs.call('ListQueues', { QueueNamePrefix: name('page-'), MaxResults: 2, NextToken: first.NextToken });
    expect(second.QueueUrls).toEqual([`${server.url}/000000000000/${name('page-3')}`]);
    expect(second.NextToken).toBeUndefined();
  });

  it('is idempotent with equal attributes and refuses different ones', async () => {
    const attributes = { VisibilityTimeout: '45', DelaySeconds: '2' };
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name('idem'), Attributes: attributes });
    expect(await sqs.call('CreateQueue', { QueueName: name('idem'), Attributes: { DelaySeconds: '2' } })).toEqual(
      expect.objectContaining({ QueueUrl }),
    );
    expect(await failureOf(sqs.call('CreateQueue', { QueueName: name('idem'), Attributes: { DelaySeconds: '3' } }))).toEqual({
      code: 'QueueAlreadyExists',
      status: 400,
      message: 'A queue already exists with the same name and a different value for attribute DelaySeconds',
    });
  });

  it('reports every attribute of a standard and a FIFO queue', async () => {
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name('attrs'), Attributes: { VisibilityTimeout: '60' } });
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    expect(Object.keys(Attributes).sort()).toEqual([
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesDelayed',
      'ApproximateNumberOfMessagesNotVisible',
      'CreatedTimestamp',
      'DelaySeconds',
      'LastModifiedTimestamp',
      'MaximumMessageSize',
      'MessageRetentionPeriod',
      'QueueArn',
      'ReceiveMessageWaitTimeSeconds',
      'SqsManagedSseEnabled',
      'VisibilityTimeout',
    ]);
    expect(Attributes).toMatchObject({
      VisibilityTimeout: '60',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name('attrs')}`,
      ApproximateNumberOfMessages: '0',
    });
    expect(Number(Attributes.CreatedTimestamp)).toBeCloseTo(Date.now() / 1000, -1);

    const fifo = await sqs.call('CreateQueue', {
      QueueName: name('attrs.fifo'),
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
    });
    const fifoAttributes = (await sqs.call('GetQueueAttributes', { QueueUrl: fifo.QueueUrl, AttributeNames: ['All'] })).Attributes;
    expect(fifoAttributes).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      DeduplicationScope: 'queue',
      FifoThroughputLimit: 'perQueue',
    });
  });

  it('changes only the named attributes and rejects read-only and unknown ones', async () => {
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name('set'), Attributes: { DelaySeconds: '5' } });
    await sqs.call('SetQueueAttributes', { QueueUrl, Attributes: { VisibilityTimeout: '100' } });
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['DelaySeconds', 'VisibilityTimeout'] });
    expect(Attributes).toEqual({ DelaySeconds: '5', VisibilityTimeout: '100' });
    expect(await failureOf(sqs.call('SetQueueAttributes', { QueueUrl, Attributes: { QueueArn: 'x' } }))).toMatchObject({
      code: 'InvalidAttributeName',
      status: 400,
    });
    expect(await failureOf(sqs.call('SetQueueAttributes', { QueueUrl, Attributes: { VisibilityTimeout: '43201' } }))).toMatchObject({
      code: 'InvalidAttributeValue',
      status: 400,
    });
    expect(await failureOf(sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Foobar'] }))).toMatchObject({
      code: 'InvalidAttributeName',
      message: 'Unknown Attribute Foobar.',
    });
  });

  it('tags, lists and untags a queue', async () => {
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name('tags'), tags: { team: 'stock' } });
    await sqs.call('TagQueue', { QueueUrl, Tags: { env: 'ci', empty: '' } });
    expect((await sqs.call('ListQueueTags', { QueueUrl })).Tags).toEqual({ team: 'stock', env: 'ci', empty: '' });
    await sqs.call('UntagQueue', { QueueUrl, TagKeys: ['team', 'empty', 'absent'] });
    expect((await sqs.call('ListQueueTags', { QueueUrl })).Tags).toEqual({ env: 'ci' });
  });

  it('rejects bad queue names and FIFO attributes on standard queues', async () => {
    expect(await failureOf(sqs.call('CreateQueue', { QueueName: 'bad name!' }))).toMatchObject({
      code: 'InvalidParameterValue',
      status: 400,
    });
    expect(await failureOf(sqs.call('CreateQueue', { QueueName: name('std'), Attributes: { FifoQueue: 'false' } }))).toMatchObject({
      code: 'InvalidAttributeName',
      message: 'Unknown Attribute FifoQueue.',
    });
  });

  it('answers QueueDoesNotExist for every queue action on a missing queue', async () => {
    const QueueUrl = `${server.url}/000000000000/${name('missing')}`;
    for (const [action, params] of [
      ['GetQueueAttributes', { AttributeNames: ['All'] }],
      ['SendMessage', { MessageBody: 'x' }],
      ['ReceiveMessage', {}],
      ['PurgeQueue', {}],
      ['DeleteQueue', {}],
    ] as const) {
      const failure = await failureOf(sqs.call(action, { QueueUrl, ...params }));
      expect(failure, action).toMatchObject({ code: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 });
    }
  });

  it('purges a queue once per minute', async () => {
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name('purge') });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'gone soon' });
    await sqs.call('PurgeQueue', { QueueUrl });
    expect((await sqs.call('ReceiveMessage', { QueueUrl })).Messages ?? []).toEqual([]);
    expect(await failureOf(sqs.call('PurgeQueue', { QueueUrl }))).toMatchObject({
      code: 'AWS.SimpleQueueService.PurgeQueueInProgress',
      status: 403,
    });
  });
});

it('the v2 SDK speaks Query (form bodies) and v3 speaks JSON', async () => {
  const before = server.contentTypes.length;
  await clientFactories[1].make(server.url).call('ListQueues');
  await clientFactories[0].make(server.url).call('ListQueues');
  const seen = server.contentTypes.slice(before);
  expect(seen[0]).toMatch(/^application\/x-www-form-urlencoded/);
  expect(seen[1]).toMatch(/^application\/x-amz-json-1\.0/);
});

describe('malformed requests from hand-written clients', () => {
  const post = (body: string, headers: Record<string, string>) =>
    fetch(server.url, { method: 'POST', body, headers });
  const query = (params: Record<string, string>) =>
    post(new URLSearchParams({ Version: '2012-11-05', ...params }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
  const json = (action: string, input: object) =>
    post(JSON.stringify(input), { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` });

  it.each(['http://x/000000000000/a%zz', 'http://', 'https://[bad/q'])('answers QueueDoesNotExist, not a retryable 500, for QueueUrl %s', async (QueueUrl) => {
    const overQuery = await query({ Action: 'GetQueueAttributes', QueueUrl });
    expect(overQuery.status).toBe(400);
    expect(await overQuery.text()).toContain('<Code>AWS.SimpleQueueService.NonExistentQueue</Code>');
    const overJson = await json('GetQueueAttributes', { QueueUrl });
    expect(overJson.status).toBe(400);
    expect(overJson.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
  });

  it('treats an empty list sent under the member name (botocore Query) as empty', async () => {
    const { QueueUrl } = await makeJsonClient(server.url).call('CreateQueue', { QueueName: 'botocore-empty-lists' });
    const batch = await query({ Action: 'DeleteMessageBatch', QueueUrl, Entries: '' });
    expect(await batch.text()).toContain('There should be at least one DeleteMessageBatchRequestEntry in the request.');
    const attributes = await query({ Action: 'GetQueueAttributes', QueueUrl, AttributeNames: '' });
    expect(attributes.status).toBe(200);
    expect(await attributes.text()).toContain('<GetQueueAttributesResult/>');
  });

  it('says what type a parameter must be, naming list positions from 1', async () => {
    const { QueueUrl } = await makeJsonClient(server.url).call('CreateQueue', { QueueName: 'typed-params' });
    const wrongType = await json('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 'many' });
    expect(await wrongType.json()).toMatchObject({ message: 'Value many for parameter MaxNumberOfMessages is invalid. Reason: Must be a number.' });
    const missingId = await query({ Action: 'SendMessageBatch', QueueUrl, 'SendMessageBatchRequestEntry.1.MessageBody': 'x' });
    expect(await missingId.text()).toContain('The request must contain the parameter Entries.1.Id.');
  });
});
