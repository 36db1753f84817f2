import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Two accounts under --auth sigv4, through both SDKs: each sees only its own queues, and the other's
// queue answers AccessDenied until AddPermission or a Policy document grants exactly the named actions;
// an explicit Deny beats any Allow; a malformed Policy is refused when set.

const ALICE = { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret', accountId: '111111111111' };
const BOB = { accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret', accountId: '222222222222' };

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ credentials: [ALICE, BOB] });
});
afterAll(async () => {
  await server.close();
});

const denied = (account: string, action: string, queue: string, why = 'because no resource-based policy allows the sqs:' + action + ' action') => ({
  code: 'AccessDenied',
  status: 403,
  message: `User: arn:aws:iam::${account}:root is not authorized to perform: sqs:${action} on resource: arn:aws:sqs:us-east-1:${ALICE.accountId}:${queue} ${why}`,
});

describe.each(clientFactories)('two accounts over $protocol', ({ protocol, make }) => {
  let alice: SqsUnderTest;
  let bob: SqsUnderTest;
  let url: string;
  const name = `shared-${protocol}`;
  beforeAll(async () => {
    alice = make(server.url, { credentials: ALICE });
    bob = make(server.url, { credentials: BOB });
    url = (await alice.call('CreateQueue', { QueueName: name })).QueueUrl;
  });
  afterAll(() => {
    alice.destroy();
    bob.destroy();
  });

  it('keeps each account to its own queues', async () => {
    // given a queue of the same name in Bob's account
    const bobs = (await bob.call('CreateQueue', { QueueName: name })).QueueUrl;
    // then the two are different queues, each URL naming its owner, and each lists only its own
    expect(url).toBe(`${server.url}/${ALICE.accountId}/${name}`);
    expect(bobs).toBe(`${server.url}/${BOB.accountId}/${name}`);
    expect((await bob.call('ListQueues', { QueueNamePrefix: name })).QueueUrls).toEqual([bobs]);
    await bob.call('DeleteQueue', { QueueUrl: bobs });
  });

  it("answers AccessDenied for another account's queue, QueueDoesNotExist for a missing one", async () => {
    expect(await failureOf(bob.call('SendMessage', { QueueUrl: url, MessageBody: 'x' }))).toEqual(denied(BOB.accountId, 'sendmessage', name));
    expect(await failureOf(bob.call('GetQueueUrl', { QueueName: name, QueueOwnerAWSAccountId: ALICE.accountId }))).toEqual(
      denied(BOB.accountId, 'getqueueurl', name),
    );
    const missing = await failureOf(bob.call('SendMessage', { QueueUrl: `${server.url}/${ALICE.accountId}/missing`, MessageBody: 'x' }));
    expect(missing.code).toBe('AWS.SimpleQueueService.NonExistentQueue');
  });

  it('lets AddPermission grant exactly the named actions', async () => {
    await alice.call('AddPermission', { QueueUrl: url, Label: 'bob-sends', AWSAccountIds: [BOB.accountId], Actions: ['SendMessage'] });
    await bob.call('SendMessage', { QueueUrl: url, MessageBody: 'from bob' });
    await bob.call('SendMessageBatch', { QueueUrl: url, Entries: [{ Id: '1', MessageBody: 'batch from bob' }] });
    expect(await failureOf(bob.call('ReceiveMessage', { QueueUrl: url }))).toEqual(denied(BOB.accountId, 'receivemessage', name));
    expect(await failureOf(bob.call('PurgeQueue', { QueueUrl: url }))).toEqual(denied(BOB.accountId, 'purgequeue', name));
    const { Messages } = await alice.call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 });
    expect(Messages.map((m: { Body: string }) => m.Body).sort()).toEqual(['batch from bob', 'from bob']);
    await alice.call('RemovePermission', { QueueUrl: url, Label: 'bob-sends' });
    expect((await failureOf(bob.call('SendMessage', { QueueUrl: url, MessageBody: 'x' }))).code).toBe('AccessDenied');
  });

  it('lets a Policy document grant with wildcards, never the owner-only actions, and lets Deny win', async () => {
    const arn = `arn:aws:sqs:us-east-1:${ALICE.accountId}:${name}`;
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'all', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${BOB.accountId}:root` }, Action: 'sqs:*', Resource: arn },
        { Sid: 'no-purge', Effect: 'Deny', Principal: '*', Action: 'sqs:Purge*', Resource: arn },
      ],
    };
    await alice.call('SetQueueAttributes', { QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } });
    await bob.call('SendMessage', { QueueUrl: url, MessageBody: 'granted by policy' });
    const { Attributes } = await bob.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] });
    expect(Attributes.ApproximateNumberOfMessages).toBe('1');
    expect(await failureOf(bob.call('PurgeQueue', { QueueUrl: url }))).toEqual(
      denied(BOB.accountId, 'purgequeue', name, 'with an explicit deny in a resource-based policy'),
    );
    // sqs:* still leaves deleting, re-configuring and re-permissioning to the owner (AWS: no cross-account)
    expect((await failureOf(bob.call('DeleteQueue', { QueueUrl: url }))).code).toBe('AccessDenied');
    expect((await failureOf(bob.call('SetQueueAttributes', { QueueUrl: url, Attributes: { DelaySeconds: '1' } }))).code).toBe('AccessDenied');
    // the owner itself is never held back by its queue's policy
    await alice.call('PurgeQueue', { QueueUrl: url });
  });

  it('refuses a malformed Policy with InvalidAttributeValue', async () => {
    const bad = JSON.stringify({ Statement: [{ Effect: 'Permit', Principal: '*', Action: 'sqs:*' }] });
    expect(await failureOf(alice.call('SetQueueAttributes', { QueueUrl: url, Attributes: { Policy: bad } }))).toEqual({
      code: 'InvalidAttributeValue',
      status: 400,
      message: 'Invalid value for the parameter Policy.',
    });
  });
});
