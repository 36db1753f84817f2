import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  MINUTE,
  SECOND,
  T0,
  type MakeStorage,
  arnOf,
  createQueue,
  expectStats,
  message,
  newQueue,
  receive,
  send,
  useStorage,
} from './fixtures.js';

export function queueContract(make: MakeStorage): void {
  describe('queues', () => {
    const storage = useStorage(make);

    it('creates a queue and finds it by name and id', async () => {
      // when
      const result = await storage().createQueue(newQueue('orders', { tags: { team: 'a' } }), T0, MINUTE);
      // then
      expect(result.outcome).toBe('created');
      const byName = await storage().getQueue(ACCOUNT, 'orders');
      expect(byName).toMatchObject({
        name: 'orders',
        fifo: false,
        attributes: { VisibilityTimeout: '30' },
        tags: { team: 'a' },
        createdAt: T0,
        lastModifiedAt: T0,
        lastPurgedAt: null,
      });
      expect(await storage().getQueueById(byName!.id)).toEqual(byName);
      expect(await storage().getQueue(ACCOUNT, 'Orders')).toBeUndefined();
    });

    it('answers exists with the current record for a taken name', async () => {
      // given
      const first = await createQueue(storage(), 'orders');
      // when
      const again = await storage().createQueue(newQueue('orders', { tags: { other: 'x' } }), T0 + SECOND, MINUTE);
      // then
      expect(again).toEqual({ outcome: 'exists', queue: first });
    });

    it('refuses to recreate a name within the recreate delay, then allows it', async () => {
      // given
      const queue = await createQueue(storage(), 'orders');
      expect(await storage().deleteQueue(queue.id, T0 + SECOND)).toBe(true);
      // when / then
      expect(await storage().createQueue(newQueue('orders'), T0 + 30 * SECOND, MINUTE)).toEqual({
        outcome: 'deletedRecently',
        deletedAt: T0 + SECOND,
      });
      const later = await storage().createQueue(newQueue('orders'), T0 + 62 * SECOND, MINUTE);
      expect(later.outcome).toBe('created');
      if (later.outcome === 'created') expect(later.queue.id).not.toBe(queue.id);
    });

    it('deletes a queue with its messages, and only once', async () => {
      // given
      const queue = await createQueue(storage(), 'orders');
      await send(storage(), queue.id, T0, 'a', 'b');
      // when
      expect(await storage().deleteQueue(queue.id, T0)).toBe(true);
      // then
      expect(await storage().deleteQueue(queue.id, T0)).toBe(false);
      expect(await storage().getQueue(ACCOUNT, 'orders')).toBeUndefined();
      await expectStats(storage(), queue, T0, {});
      expect(await storage().receiveMessages({ queueId: queue.id, fifo: false, max: 1, visibilityMs: 0, maxInFlight: 120_000, now: T0, redrive: null })).toBe(
        'queueGone',
      );
    });

    it('lists queues by name with a case-sensitive prefix and a cursor', async () => {
      // given
      for (const name of ['b-2', 'a-1', 'B-3', 'b-1', 'c-1', 'b']) await createQueue(storage(), name);
      const names = async (request: Parameters<ReturnType<typeof storage>['listQueues']>[0]) =>
        (await storage().listQueues(request)).map((q) => q.name);
      // then
      expect(await names({ limit: 100 })).toEqual(['B-3', 'a-1', 'b', 'b-1', 'b-2', 'c-1']);
      expect(await names({ prefix: 'b', limit: 100 })).toEqual(['b', 'b-1', 'b-2']);
      expect(await names({ prefix: 'b', limit: 2 })).toEqual(['b', 'b-1']);
      expect(await names({ prefix: 'b', after: { account: ACCOUNT, name: 'b-1' }, limit: 2 })).toEqual(['b-2']);
      expect(await names({ prefix: 'B', limit: 100 })).toEqual(['B-3']);
      expect(await names({ prefix: 'b_', limit: 100 })).toEqual([]);
      expect(await names({ after: { account: ACCOUNT, name: 'b-2' }, limit: 100 })).toEqual(['c-1']);
    });

    it('keeps accounts apart: the same name in two accounts is two queues', async () => {
      // given
      const other = '111111111111';
      const mine = await createQueue(storage(), 'orders');
      const theirs = await createQueue(storage(), 'orders', { account: other });
      await createQueue(storage(), 'audit', { account: other });
      // then
      expect(theirs.id).not.toBe(mine.id);
      expect(await storage().getQueue(ACCOUNT, 'orders')).toEqual(mine);
      expect(await storage().getQueue(other, 'orders')).toEqual(theirs);
      expect(await storage().getQueue(other, 'nothing')).toBeUndefined();
      const list = async (request: Parameters<ReturnType<typeof storage>['listQueues']>[0]) =>
        (await storage().listQueues(request)).map((q) => `${q.account}:${q.name}`);
      expect(await list({ account: other, limit: 100 })).toEqual([`${other}:audit`, `${other}:orders`]);
      expect(await list({ account: ACCOUNT, limit: 100 })).toEqual([`${ACCOUNT}:orders`]);
      // every account, in (account, name) order, paginated across the account boundary
      expect(await list({ limit: 100 })).toEqual([`${ACCOUNT}:orders`, `${other}:audit`, `${other}:orders`]);
      expect(await list({ after: { account: ACCOUNT, name: 'orders' }, limit: 1 })).toEqual([`${other}:audit`]);
      // a deleted name is remembered for its own account only
      expect(await storage().deleteQueue(theirs.id, T0)).toBe(true);
      expect((await storage().createQueue(newQueue('orders', { account: other }), T0 + SECOND, MINUTE)).outcome).toBe('deletedRecently');
      expect((await storage().createQueue(newQueue('orders'), T0 + SECOND, MINUTE)).outcome).toBe('exists');
    });

    it('lists the queues whose dead-letter target is a given ARN, paginated by name', async () => {
      // given
      for (const name of ['src-c', 'src-a', 'src-b']) await createQueue(storage(), name, { deadLetterTargetArn: arnOf('dlq') });
      await createQueue(storage(), 'unrelated', { deadLetterTargetArn: arnOf('other') });
      // when
      const page1 = await storage().listDeadLetterSources(arnOf('dlq'), { limit: 2 });
      const page2 = await storage().listDeadLetterSources(arnOf('dlq'), { limit: 2, afterName: 'src-b' });
      // then
      expect(page1.map((q) => q.name)).toEqual(['src-a', 'src-b']);
      expect(page2.map((q) => q.name)).toEqual(['src-c']);
    });

    it('updates attributes, retention and dead-letter target', async () => {
      // given
      const queue = await createQueue(storage(), 'orders');
      // when
      const updated = await storage().editQueue(
        queue.id,
        () => ({ attributes: { VisibilityTimeout: '60' }, retentionMs: 2 * MINUTE, deadLetterTargetArn: arnOf('dlq'), retroactiveDelayMs: null }),
        T0 + MINUTE,
      );
      // then
      expect(updated).toMatchObject({ attributes: { VisibilityTimeout: '60' }, lastModifiedAt: T0 + MINUTE, createdAt: T0 });
      expect((await storage().listDeadLetterSources(arnOf('dlq'), { limit: 10 })).map((q) => q.id)).toEqual([queue.id]);
      expect(
        await storage().editQueue(999_999, () => ({ attributes: {}, retentionMs: MINUTE, deadLetterTargetArn: null, retroactiveDelayMs: null }), T0),
      ).toBe('queueGone');
    });

    it('edits attributes from the current record, so concurrent edits all apply', async () => {
      // given
      const queue = await createQueue(storage(), 'orders');
      const addAttribute = (name: string) =>
        storage().editQueue(
          queue.id,
          (current) => ({ attributes: { ...current.attributes, [name]: '1' }, retentionMs: MINUTE, deadLetterTargetArn: null, retroactiveDelayMs: null }),
          T0,
        );
      // when
      await Promise.all(['A', 'B', 'C', 'D'].map(addAttribute));
      // then
      expect((await storage().getQueueById(queue.id))?.attributes).toMatchObject({ A: '1', B: '1', C: '1', D: '1' });
    });

    it('changes nothing when an edit throws, and rejects with its error', async () => {
      // given
      const queue = await createQueue(storage(), 'orders');
      await storage().editQueue(queue.id, () => ({ attributes: { VisibilityTimeout: '30' }, retentionMs: MINUTE, deadLetterTargetArn: null, retroactiveDelayMs: null }), T0);
      // when
      const edit = storage().editQueue(queue.id, () => { throw new RangeError('refused'); }, T0 + MINUTE);
      // then
      await expect(edit).rejects.toThrow('refused');
      expect(await storage().getQueueById(queue.id)).toMatchObject({ attributes: { VisibilityTimeout: '30' }, lastModifiedAt: T0 });
    });

    it('serves a changed queue at once after each write (the queue cache follows every write)', async () => {
      // given
      const queue = await createQueue(storage(), 'orders');
      expect((await storage().getQueue(ACCOUNT, 'orders'))?.tags).toEqual({});
      // when
      await storage().tagQueue(queue.id, { team: 'a' }, 50);
      await storage().editQueue(queue.id, () => ({ attributes: { DelaySeconds: '5' }, retentionMs: MINUTE, deadLetterTargetArn: null, retroactiveDelayMs: null }), T0);
      await storage().purgeQueue(queue.id, T0 + SECOND, MINUTE);
      // then
      expect(await storage().getQueue(ACCOUNT, 'orders')).toMatchObject({ tags: { team: 'a' }, attributes: { DelaySeconds: '5' }, lastPurgedAt: T0 + SECOND });
      await storage().deleteQueue(queue.id, T0 + 2 * SECOND);
      expect(await storage().getQueue(ACCOUNT, 'orders')).toBeUndefined();
      expect(await storage().getQueueById(queue.id)).toBeUndefined();
    });

    it('tags and untags', async () => {
      // given
      const queue = await createQueue(storage(), 'orders', { tags: { a: '1', b: '2' } });
      // when
      expect(await storage().tagQueue(queue.id, { b: 'two', c: '' }, 50)).toBe('tagged');
      expect(await storage().untagQueue(queue.id, ['a', 'missing'])).toBe('untagged');
      // then
      expect((await storage().getQueueById(queue.id))?.tags).toEqual({ b: 'two', c: '' });
    });

    it('refuses tags beyond the limit as a whole, counting overwritten keys once, even when concurrent', async () => {
      // given
      const queue = await createQueue(storage(), 'orders', { tags: { a: '1', b: '2' } });
      // when
      const overwrite = await storage().tagQueue(queue.id, { a: 'x', b: 'y', c: 'z' }, 3);
      const outcomes = await Promise.all([storage().tagQueue(queue.id, { d: '4' }, 4), storage().tagQueue(queue.id, { e: '5' }, 4)]);
      // then
      expect(overwrite).toBe('tagged');
      expect(outcomes.sort()).toEqual(['overLimit', 'tagged']);
      expect(Object.keys((await storage().getQueueById(queue.id))?.tags ?? {})).toHaveLength(4);
    });

    it('answers queueGone for writes to a deleted queue', async () => {
      // given
      const queue = await createQueue(storage(), 'orders');
      await storage().deleteQueue(queue.id, T0);
      // when / then
      expect(await storage().sendMessages(queue.id, [message('late', T0)], T0)).toBe('queueGone');
      expect(await storage().receiveMessages({ queueId: queue.id, fifo: false, max: 1, visibilityMs: 0, maxInFlight: 120_000, now: T0, redrive: null })).toBe('queueGone');
      expect(await storage().tagQueue(queue.id, { a: '1' }, 50)).toBe('queueGone');
      expect(await storage().untagQueue(queue.id, ['a'])).toBe('queueGone');
      expect(await storage().purgeQueue(queue.id, T0, MINUTE)).toBe('queueGone');
      expect(await storage().deleteQueue(queue.id, T0)).toBe(false);
    });

    it('purges at most once per interval, checked in the same transaction', async () => {
      // given
      const queue = await createQueue(storage(), 'orders');
      // when
      const first = await Promise.all([storage().purgeQueue(queue.id, T0, MINUTE), storage().purgeQueue(queue.id, T0, MINUTE)]);
      const later = await storage().purgeQueue(queue.id, T0 + MINUTE, MINUTE);
      // then
      expect(first.sort()).toEqual(['purged', 'tooSoon']);
      expect(later).toBe('purged');
    });

    it('purges every message (visible, in flight, delayed) and records when', async () => {
      // given
      const queue = await createQueue(storage(), 'orders');
      await send(storage(), queue.id, T0, 'visible', 'in-flight');
      await storage().sendMessages(queue.id, [message('delayed', T0, { delayMs: MINUTE })], T0);
      await receive(storage(), queue, T0, { max: 1 });
      // when
      await storage().purgeQueue(queue.id, T0 + SECOND, MINUTE);
      // then
      await expectStats(storage(), queue, T0 + SECOND, {});
      expect((await storage().getQueueById(queue.id))?.lastPurgedAt).toBe(T0 + SECOND);
      expect((await receive(storage(), queue, T0 + 2 * MINUTE)).messages).toEqual([]);
      // and the queue still works
      await send(storage(), queue.id, T0 + 2 * MINUTE, 'after');
      await expectStats(storage(), queue, T0 + 2 * MINUTE, { visible: 1 });
    });

    it('answers ping', async () => {
      await expect(storage().ping()).resolves.toBe('writable');
    });
  });
}
