import { afterEach, describe, expect, it } from 'vitest';
import { SqsError } from '../../src/core/errors.js';
import { actionHarness } from '../helpers/action-context.js';

// Queues belong to the caller's account: its URL and ARN name the owner, and names are unique per account.
// Who may act on another account's queue (signatures, policies) is decided before an action runs; these
// tests pin what the actions themselves do with accounts.

let harness: ReturnType<typeof actionHarness>;
afterEach(() => harness.close());

const ALICE = '111111111111';
const BOB = '222222222222';

describe('with an account per caller', () => {
  it('gives each account its own queues, URLs and ARNs, and lists only the caller\'s', async () => {
    harness = actionHarness({ multiAccount: true });
    const alice = harness.as(ALICE);
    const bob = harness.as(BOB);
    // when both create a queue of the same name
    const a = await alice('CreateQueue', { QueueName: 'orders' });
    const b = await bob('CreateQueue', { QueueName: 'orders' });
    await bob('CreateQueue', { QueueName: 'audit' });
    // then they are two queues, each under its owner
    expect(a.QueueUrl).toBe(`http://localhost:9324/${ALICE}/orders`);
    expect(b.QueueUrl).toBe(`http://localhost:9324/${BOB}/orders`);
    await alice('SendMessage', { QueueUrl: a.QueueUrl, MessageBody: 'for alice' });
    const arn = await bob('GetQueueAttributes', { QueueUrl: b.QueueUrl, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] });
    expect(arn.Attributes).toEqual({ QueueArn: `arn:aws:sqs:us-east-1:${BOB}:orders`, ApproximateNumberOfMessages: '0' });
    expect((await alice('ListQueues', {})).QueueUrls).toEqual([a.QueueUrl]);
    expect((await bob('ListQueues', {})).QueueUrls).toEqual([`http://localhost:9324/${BOB}/audit`, b.QueueUrl]);
    // GetQueueUrl finds the caller's own queue, or the named owner's
    expect((await alice('GetQueueUrl', { QueueName: 'orders' })).QueueUrl).toBe(a.QueueUrl);
    expect((await alice('GetQueueUrl', { QueueName: 'audit', QueueOwnerAWSAccountId: BOB })).QueueUrl).toBe(`http://localhost:9324/${BOB}/audit`);
    await expect(alice('GetQueueUrl', { QueueName: 'audit' })).rejects.toMatchObject({ code: 'AWS.SimpleQueueService.NonExistentQueue' });
    // a redrive target is looked up in the account its ARN names
    await bob('CreateQueue', { QueueName: 'dlq' });
    const redrive = JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ALICE}:dlq`, maxReceiveCount: 2 });
    await expect(bob('SetQueueAttributes', { QueueUrl: b.QueueUrl, Attributes: { RedrivePolicy: redrive } })).rejects.toBeInstanceOf(SqsError);
  });
});

describe('with one account for everybody (authentication off)', () => {
  it('keeps every queue in the server account and ignores the account written in a URL', async () => {
    harness = actionHarness();
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'orders' });
    expect(QueueUrl).toBe('http://localhost:9324/000000000000/orders');
    // a hand-built URL with another account (or none) still reaches the queue, as before accounts existed
    await harness.call('SendMessage', { QueueUrl: `http://localhost:9324/${ALICE}/orders`, MessageBody: 'x' });
    await harness.call('SendMessage', { QueueUrl: 'orders', MessageBody: 'y' });
    const { Attributes } = await harness.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] });
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '2' });
    // naming another owner in GetQueueUrl finds nothing: there is no other account
    await expect(harness.call('GetQueueUrl', { QueueName: 'orders', QueueOwnerAWSAccountId: ALICE })).rejects.toMatchObject({
      code: 'AWS.SimpleQueueService.NonExistentQueue',
    });
  });
});
