import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { actionHarness } from '../helpers/action-context.js';

// On SQLite a send wakes parked receives before its commit, so their claims run in the send's transaction:
// a message costs one commit (one fsync in durable mode) from send to receive, not two.

let harness: ReturnType<typeof actionHarness>;
beforeEach(() => {
  harness = actionHarness();
});
afterEach(() => {
  harness.services.waiters.close();
  return harness.close();
});

async function parkedReceive(QueueUrl: string, count: number) {
  const { services } = harness;
  const queue = (await services.storage.getQueue('000000000000', 'handoff'))!;
  const receives = Array.from({ length: count }, () =>
    harness.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }),
  );
  await expect.poll(() => services.waiters.waitingCount(queue.id)).toBe(count);
  return receives;
}

describe('long-poll hand-off on SQLite', () => {
  it('commits a send and the claim of the receive it wakes in one transaction', async () => {
    // given a receive parked on an empty queue
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'handoff' });
    const [receiving] = await parkedReceive(QueueUrl, 1);
    const storage = harness.services.storage as SqliteStorage;
    const before = storage.writeStats.transactions;
    // when a message is sent
    await harness.call('SendMessage', { QueueUrl, MessageBody: 'hello' });
    const received = await receiving!;
    // then the receive got it, and both writes shared one commit
    expect(received.Messages.map((m: { Body: string }) => m.Body)).toEqual(['hello']);
    expect(storage.writeStats.transactions).toBe(before + 1);
  });

  it('wakes one parked receive per message of a batch, all in the batch transaction', async () => {
    // given two parked receives
    const { QueueUrl } = await harness.call('CreateQueue', { QueueName: 'handoff' });
    const receiving = await parkedReceive(QueueUrl, 2);
    const storage = harness.services.storage as SqliteStorage;
    const before = storage.writeStats.transactions;
    // when a batch of two arrives
    await harness.call('SendMessageBatch', { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'a' }, { Id: 'b', MessageBody: 'b' }] });
    const received = await Promise.all(receiving);
    // then each receive got one message, in the batch's commit
    expect(received.flatMap((r: { Messages: { Body: string }[] }) => r.Messages.map((m) => m.Body)).sort()).toEqual(['a', 'b']);
    expect(storage.writeStats.transactions).toBe(before + 1);
  });
});
