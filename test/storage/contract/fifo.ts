import { describe, expect, it } from 'vitest';
import type { ClaimedMessage, QueueRecord } from '../../../src/core/types.js';
import type { SendResult } from '../../../src/storage/storage.js';
import {
  DEDUP_WINDOW_MS,
  type MakeStorage,
  MINUTE,
  SECOND,
  T0,
  TWELVE_HOURS_MS,
  bodies,
  createQueue,
  expectStats,
  receive,
  refOf,
  send,
  useStorage,
} from './fixtures.js';

export function fifoContract(make: MakeStorage): void {
  describe('FIFO queues', () => {
    const storage = useStorage(make);
    const g = (body: string, groupId: string, dedupId = body): [string, { groupId: string; dedupId: string }] => [
      body,
      { groupId, dedupId },
    ];

    it('fills the batch from one group in order, then the next group by its oldest message', async () => {
      // given
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('a1', 'A'), g('b1', 'B'), g('a2', 'A'), g('c1', 'C'), g('b2', 'B'));
      // then
      expect(bodies(await receive(storage(), queue, T0))).toEqual(['a1', 'a2', 'b1', 'b2', 'c1']);
    });

    it('blocks a group while its head is in flight but serves other groups', async () => {
      // given
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('a1', 'A'), g('a2', 'A'), g('b1', 'B'));
      // when / then
      expect(bodies(await receive(storage(), queue, T0, { max: 1 }))).toEqual(['a1']);
      expect(bodies(await receive(storage(), queue, T0, { max: 10 }))).toEqual(['b1']);
      expect(bodies(await receive(storage(), queue, T0, { max: 10 }))).toEqual([]);
    });

    it('applies a changed queue delay to the messages not yet received, later or earlier', async () => {
      // given a1 in flight, and b1, c1 never received
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('a1', 'A'), g('b1', 'B'), g('c1', 'C'));
      expect(bodies(await receive(storage(), queue, T0, { max: 1, visibilityMs: 10 * SECOND }))).toEqual(['a1']);
      const redelay = (delayMs: number) =>
        storage().editQueue(queue.id, () => ({ attributes: {}, retentionMs: 4 * 24 * 60 * MINUTE, deadLetterTargetArn: null, retroactiveDelayMs: delayMs }), T0 + SECOND);
      // when the delay becomes 60 s
      await redelay(60 * SECOND);
      // then b1 and c1 are delayed until 60 s after they were sent, and a1 keeps its visibility timeout
      await expectStats(storage(), queue, T0 + 2 * SECOND, { inFlight: 1, delayed: 2 });
      expect(bodies(await receive(storage(), queue, T0 + 11 * SECOND, { visibilityMs: MINUTE }))).toEqual(['a1']);
      expect(bodies(await receive(storage(), queue, T0 + 59 * SECOND))).toEqual([]);
      // and when it goes back to 0 they are receivable at once
      await redelay(0);
      expect(bodies(await receive(storage(), queue, T0 + 12 * SECOND))).toEqual(['b1', 'c1']);
    });

    it('returns each message once per receive even with a zero visibility timeout', async () => {
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('a1', 'A'), g('b1', 'B'), g('a2', 'A'));
      expect(bodies(await receive(storage(), queue, T0 + SECOND, { visibilityMs: 0 }))).toEqual(['a1', 'a2', 'b1']);
    });

    it('unblocks the group when its head is deleted', async () => {
      // given
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('a1', 'A'), g('a2', 'A'));
      const [a1] = (await receive(storage(), queue, T0, { max: 1 })).messages;
      // when
      expect(await storage().deleteMessages(queue.id, [{ ref: refOf(queue, a1!), allowStale: false }], T0)).toEqual(['ok']);
      // then
      expect(bodies(await receive(storage(), queue, T0))).toEqual(['a2']);
    });

    // Reference §5: foo, bar, baz received with a 1 s visibility; one of them is extended to 4 s; after
    // 1.5 s only the run before the first invisible message is deliverable.
    it.each([
      { extended: 'bar', expected: ['foo'] },
      { extended: 'foo', expected: [] },
      { extended: 'baz', expected: ['foo', 'bar'] },
    ])('blocks per position: extending $extended leaves $expected deliverable', async ({ extended, expected }) => {
      // given
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('foo', '1'), g('bar', '1'), g('baz', '1'));
      const received = (await receive(storage(), queue, T0, { visibilityMs: SECOND })).messages;
      expect(bodies(received)).toEqual(['foo', 'bar', 'baz']);
      // when
      await extend(queue, received.find((m) => m.body === extended)!, T0 + 4 * SECOND, T0 + 500);
      // then
      expect(bodies(await receive(storage(), queue, T0 + 1500))).toEqual(expected);
    });

    it('serves a group whose head is visible again even if later messages are in flight', async () => {
      // given
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('foo', '1'), g('bar', '1'));
      const [foo, bar] = (await receive(storage(), queue, T0, { visibilityMs: 10 * SECOND })).messages;
      // when: foo becomes visible again, bar stays in flight
      await extend(queue, foo!, T0 + SECOND, T0 + SECOND);
      // then
      expect(bodies(await receive(storage(), queue, T0 + SECOND))).toEqual(['foo']);
      expect(bar!.body).toBe('bar');
    });

    async function extend(queue: QueueRecord, m: ClaimedMessage, visibleAt: number, now: number) {
      const [outcome] = await storage().changeVisibilities(
        queue.id,
        [{ ref: refOf(queue, m), visibleAt, maxVisibleAfterReceiveMs: TWELVE_HOURS_MS, allowStale: false }],
        now,
      );
      expect(outcome).toBe('ok');
    }

    it('answers a duplicate inside the window with the original, even after the original was deleted', async () => {
      // given
      const queue = await createQueue(storage(), 'q.fifo');
      const [original] = await send(storage(), queue.id, T0, g('first', 'A', 'd1'));
      // when
      const [duplicate] = await send(storage(), queue.id, T0 + SECOND, g('second', 'B', 'd1'));
      // then
      expect(duplicate).toEqual({ outcome: 'duplicate', seq: original!.seq, messageId: original!.messageId });
      await expectStats(storage(), queue, T0 + SECOND, { visible: 1 });
      // and after deletion
      const [m] = (await receive(storage(), queue, T0 + SECOND)).messages;
      await storage().deleteMessages(queue.id, [{ ref: refOf(queue, m!), allowStale: false }], T0 + SECOND);
      expect((await send(storage(), queue.id, T0 + 2 * SECOND, g('third', 'A', 'd1')))[0]?.outcome).toBe('duplicate');
      await expectStats(storage(), queue, T0 + 2 * SECOND, {});
    });

    it('accepts the same deduplication id again once the window has passed', async () => {
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('first', 'A', 'd1'));
      const [again] = await send(storage(), queue.id, T0 + DEDUP_WINDOW_MS, g('again', 'A', 'd1'));
      expect(again?.outcome).toBe('sent');
      expect((await send(storage(), queue.id, T0 + DEDUP_WINDOW_MS + 1, g('dup', 'A', 'd1')))[0]?.outcome).toBe('duplicate');
    });

    it('deduplicates within one batch', async () => {
      const queue = await createQueue(storage(), 'q.fifo');
      const results = await send(storage(), queue.id, T0, g('a', 'A', 'same'), g('b', 'A', 'same'));
      expect(results.map((r) => r.outcome)).toEqual(['sent', 'duplicate']);
      expect(results[1]?.seq).toBe(results[0]?.seq);
    });

    it('keeps concurrent sends in arrival order and deduplicates across them', async () => {
      // given a stored message 'd0', then eight sends at once (backends may commit them together)
      const queue = await createQueue(storage(), 'q.fifo');
      const [stored] = await send(storage(), queue.id, T0, g('zero', 'A', 'd0'));
      const sends = [
        [g('a1', 'A', 'd1'), g('b1', 'B', 'd2')],
        [g('again0', 'B', 'd0')],
        [g('a2', 'A', 'd3')],
        [g('again1', 'A', 'd1'), g('b2', 'B', 'd4')],
        [g('a3', 'A', 'd5')],
        [g('b3', 'B', 'd6'), g('b3-dup', 'B', 'd6')],
        [g('c1', 'C', 'd7')],
        [g('a4', 'A', 'd8')],
      ];
      // when
      const results = await Promise.all(sends.map((entries) => send(storage(), queue.id, T0 + SECOND, ...entries)));
      // then duplicates answer with their original, and new messages' seqs follow arrival order
      const [[a1, b1], [again0], [a2], [again1, b2], [a3], [b3, b3dup], [c1], [a4]] = results as [
        SendResult[], SendResult[], SendResult[], SendResult[], SendResult[], SendResult[], SendResult[], SendResult[],
      ];
      expect(again0).toEqual({ outcome: 'duplicate', seq: stored!.seq, messageId: stored!.messageId });
      expect(again1).toEqual({ outcome: 'duplicate', seq: a1!.seq, messageId: a1!.messageId });
      expect(b3dup).toEqual({ outcome: 'duplicate', seq: b3!.seq, messageId: b3!.messageId });
      const seqs = [a1, b1, a2, b2, a3, b3, c1, a4].map((r) => r!.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      // and each group comes out in that order
      const bodiesOf = async (now: number) => bodies(await receive(storage(), queue, now, { max: 10 }));
      expect(await bodiesOf(T0 + 2 * SECOND)).toEqual(['zero', 'a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'c1']);
      await expectStats(storage(), queue, T0 + 2 * SECOND, { inFlight: 9 });
    });

    it('scopes deduplication per group when asked', async () => {
      // given
      const queue = await createQueue(storage(), 'q.fifo');
      const scoped = (body: string, groupId: string): [string, { groupId: string; dedupId: string; dedupScope: string }] => [
        body,
        { groupId, dedupId: 'd', dedupScope: groupId },
      ];
      // when
      const results = await send(storage(), queue.id, T0, scoped('a', 'A'), scoped('b', 'B'), scoped('a-again', 'A'));
      // then
      expect(results.map((r) => r.outcome)).toEqual(['sent', 'sent', 'duplicate']);
    });

    it('forgets deduplication ids on purge', async () => {
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('a', 'A', 'd1'));
      await storage().purgeQueue(queue.id, T0 + SECOND, MINUTE);
      expect((await send(storage(), queue.id, T0 + 2 * SECOND, g('a', 'A', 'd1')))[0]?.outcome).toBe('sent');
    });

    it('forgets expired deduplication ids in maintenance', async () => {
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('a', 'A', 'd1'), g('b', 'A', 'd2'));
      expect(await storage().maintenance(T0 + DEDUP_WINDOW_MS)).toEqual({ expiredMessages: 0, expiredDeduplications: 2, unblockedQueues: [] });
      expect(bodies(await receive(storage(), queue, T0 + DEDUP_WINDOW_MS))).toEqual(['a', 'b']);
    });

    it('replays a receive with the same attempt id, with the same handles and a fresh visibility', async () => {
      // given
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('a1', 'A'), g('a2', 'A'), g('b1', 'B'));
      const first = await receive(storage(), queue, T0, { max: 2, attemptId: 'try-1', visibilityMs: 30 * SECOND });
      // when
      const retry = await receive(storage(), queue, T0 + 10 * SECOND, { max: 2, attemptId: 'try-1', visibilityMs: 30 * SECOND });
      // then
      expect(bodies(retry)).toEqual(['a1', 'a2']);
      expect(retry.messages.map((m) => m.receiptToken)).toEqual(first.messages.map((m) => m.receiptToken));
      expect(retry.messages.map((m) => m.receiveCount)).toEqual([1, 1]);
      expect(retry.messages.map((m) => m.visibleAt)).toEqual([T0 + 40 * SECOND, T0 + 40 * SECOND]);
      // and another attempt id claims afresh
      expect(bodies(await receive(storage(), queue, T0 + 10 * SECOND, { attemptId: 'try-2' }))).toEqual(['b1']);
    });

    it('claims afresh when a replayed message was deleted or the window passed', async () => {
      // given
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('a1', 'A'), g('a2', 'A'));
      const first = await receive(storage(), queue, T0, { max: 1, attemptId: 'try', visibilityMs: 10 * MINUTE });
      await storage().deleteMessages(queue.id, [{ ref: refOf(queue, first.messages[0]!), allowStale: false }], T0);
      // then
      const second = await receive(storage(), queue, T0 + SECOND, { max: 1, attemptId: 'try', visibilityMs: 10 * MINUTE });
      expect(bodies(second)).toEqual(['a2']);
      // and within the window the id now replays the new claim
      expect(bodies(await receive(storage(), queue, T0 + 2 * MINUTE, { max: 1, attemptId: 'try', visibilityMs: 10 * MINUTE }))).toEqual(['a2']);
      // but not after the window (a2 is still in flight, so a fresh claim finds nothing)
      expect(bodies(await receive(storage(), queue, T0 + 6 * MINUTE, { max: 1, attemptId: 'try' }))).toEqual([]);
    });

    it('returns the group id and deduplication id with the message', async () => {
      const queue = await createQueue(storage(), 'q.fifo');
      await send(storage(), queue.id, T0, g('a', 'G', 'dd'));
      expect((await receive(storage(), queue, T0)).messages[0]).toMatchObject({ groupId: 'G', deduplicationId: 'dd' });
    });

    it('expires messages of a group and unblocks what is behind them', async () => {
      // given
      const queue = await createQueue(storage(), 'q.fifo', { retentionMs: MINUTE });
      await send(storage(), queue.id, T0, g('old', 'A'));
      await send(storage(), queue.id, T0 + 30 * SECOND, g('new', 'A'));
      await receive(storage(), queue, T0 + 30 * SECOND, { max: 1, visibilityMs: 5 * MINUTE });
      // when: the in-flight head expires
      expect(await storage().maintenance(T0 + MINUTE)).toEqual({ expiredMessages: 1, expiredDeduplications: 0, unblockedQueues: [queue.id] });
      // then
      expect(bodies(await receive(storage(), queue, T0 + MINUTE))).toEqual(['new']);
    });
  });
}
