import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/storage.js';
import { actionHarness } from '../helpers/action-context.js';

// Queue changes that used to read the queue in the action and write it back after an await: each is now
// one storage operation, so concurrent requests keep every change and a deleted queue is an SQS error.

let harness: ReturnType<typeof actionHarness>;
beforeEach(() => {
  harness = actionHarness();
});
afterEach(() => harness.close());

const attributesOf = async (QueueUrl: string) =>
  (await harness.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] })).Attributes as Record<string, string>;

describe('concurrent queue changes', () => {
  it('keeps every SetQueueAttributes of a burst', async () => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'orders' });
    await Promise.all([
      harness.call('SetQueueAttributes', { QueueUrl, Attributes: { VisibilityTimeout: '45' } }),
      harness.call('SetQueueAttributes', { QueueUrl, Attributes: { DelaySeconds: '7' } }),
      harness.call('SetQueueAttributes', { QueueUrl, Attributes: { MaximumMessageSize: '2048' } }),
      harness.call('SetQueueAttributes', { QueueUrl, Attributes: { ReceiveMessageWaitTimeSeconds: '3' } }),
    ]);
    expect(await attributesOf(QueueUrl)).toMatchObject({
      VisibilityTimeout: '45',
      DelaySeconds: '7',
      MaximumMessageSize: '2048',
      ReceiveMessageWaitTimeSeconds: '3',
    });
  });

  it('keeps every AddPermission of a burst, and a concurrent RemovePermission removes only its own label', async () => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'shared' });
    const grant = (Label: string) =>
      harness.call('AddPermission', { QueueUrl, Label, AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] });
    await grant('gone');
    await Promise.all([grant('a'), grant('b'), grant('c'), harness.call('RemovePermission', { QueueUrl, Label: 'gone' })]);
    const policy = JSON.parse((await attributesOf(QueueUrl)).Policy ?? '{}') as { Statement: { Sid: string }[] };
    expect(policy.Statement.map((s) => s.Sid).sort()).toEqual(['a', 'b', 'c']);
  });

  it('keeps every TagQueue of a burst and enforces the 50-tag limit across concurrent requests', async () => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'tagged' });
    const tags = (from: number) => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${from + i}`, 'v']));
    await Promise.all([0, 10, 20, 30].map((from) => harness.call('TagQueue', { QueueUrl, Tags: tags(from) })));
    expect(Object.keys((await harness.call('ListQueueTags', { QueueUrl })).Tags)).toHaveLength(40);
    const outcomes = await Promise.allSettled([40, 50].map((from) => harness.call('TagQueue', { QueueUrl, Tags: tags(from) })));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'InvalidParameterValue', message: 'Too many tags added for queue. The maximum is 50.' });
    expect(Object.keys((await harness.call('ListQueueTags', { QueueUrl })).Tags)).toHaveLength(50);
  });

  it('answers PurgeQueueInProgress to the second of two concurrent purges', async () => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'purged' });
    const outcomes = await Promise.allSettled([harness.call('PurgeQueue', { QueueUrl }), harness.call('PurgeQueue', { QueueUrl })]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code: string }).code : 'ok')).sort()).toEqual([
      'AWS.SimpleQueueService.PurgeQueueInProgress',
      'ok',
    ]);
  });
});

describe('a request that races DeleteQueue', () => {
  // The queue is deleted after the action resolved it and before its write runs: the window of a real race.
  function deleteQueueBefore(method: keyof Storage) {
    const storage = harness.services.storage;
    const original = storage[method] as (...args: unknown[]) => Promise<unknown>;
    (storage as unknown as Record<string, unknown>)[method] = async (queueId: number, ...rest: unknown[]) => {
      await storage.deleteQueue(queueId, harness.clock.now());
      return original.call(storage, queueId, ...rest);
    };
  }

  it.each([
    ['SendMessage', 'sendMessages', { MessageBody: 'late' }],
    ['SendMessageBatch', 'sendMessages', { Entries: [{ Id: 'a', MessageBody: 'late' }] }],
    ['SetQueueAttributes', 'editQueue', { Attributes: { DelaySeconds: '1' } }],
    ['TagQueue', 'tagQueue', { Tags: { a: 'b' } }],
    ['UntagQueue', 'untagQueue', { TagKeys: ['a'] }],
    ['PurgeQueue', 'purgeQueue', {}],
  ] as const)('%s answers QueueDoesNotExist', async (action, method, input) => {
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'doomed' });
    deleteQueueBefore(method);
    await expect(harness.call(action, { QueueUrl, ...input })).rejects.toMatchObject({
      code: 'AWS.SimpleQueueService.NonExistentQueue',
    });
  });
});
