import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe.each(clientFactories)('permissions over $protocol', ({ protocol, make }) => {
  let sqs: SqsUnderTest;
  beforeAll(() => {
    sqs = make(server.url);
  });
  afterAll(() => sqs.destroy());

  it('maintains the queue Policy as labelled statements', async () => {
    const name = `${protocol}-perm`;
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: name });
    const arn = `arn:aws:sqs:us-east-1:000000000000:${name}`;
    await sqs.call('AddPermission', { QueueUrl, Label: 'consumers', AWSAccountIds: ['111122223333'], Actions: ['ReceiveMessage'] });
    await sqs.call('AddPermission', {
      QueueUrl,
      Label: 'producers',
      AWSAccountIds: ['111122223333', '444455556666'],
      Actions: ['SendMessage', 'GetQueueUrl'],
    });
    const policy = JSON.parse((await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Policy'] })).Attributes.Policy);
    expect(policy).toEqual({
      Version: '2008-10-17',
      Id: `${arn}/SQSDefaultPolicy`,
      Statement: [
        { Sid: 'consumers', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'SQS:ReceiveMessage', Resource: arn },
        {
          Sid: 'producers',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:root'] },
          Action: ['SQS:SendMessage', 'SQS:GetQueueUrl'],
          Resource: arn,
        },
      ],
    });
    expect(
      await failureOf(sqs.call('AddPermission', { QueueUrl, Label: 'consumers', AWSAccountIds: ['1'], Actions: ['SendMessage'] })),
    ).toMatchObject({ code: 'InvalidParameterValue', message: 'Value consumers for parameter Label is invalid. Reason: Already exists.' });
    expect(await failureOf(sqs.call('RemovePermission', { QueueUrl, Label: 'nobody' }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: "Value nobody for parameter Label is invalid. Reason: can't find label.",
    });
    await sqs.call('RemovePermission', { QueueUrl, Label: 'consumers' });
    await sqs.call('RemovePermission', { QueueUrl, Label: 'producers' });
    expect((await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Policy'] })).Attributes ?? {}).toEqual({});
  });
});
