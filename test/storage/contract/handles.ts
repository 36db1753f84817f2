import { describe, expect, it } from 'vitest';
import {
  type MakeStorage,
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

export function handleContract(make: MakeStorage): void {
  describe('receipt handles', () => {
    const storage = useStorage(make);

    async function receivedTwice() {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a');
      const [old] = (await receive(storage(), queue, T0, { visibilityMs: 10 * SECOND })).messages;
      const [latest] = (await receive(storage(), queue, T0 + 10 * SECOND, { visibilityMs: 10 * SECOND })).messages;
      return { queue, old: old!, latest: latest! };
    }

    it('deletes with the latest handle, then reports the message gone', async () => {
      // given
      const { queue, latest } = await receivedTwice();
      const request = { ref: refOf(queue, latest), allowStale: false };
      // then
      expect(await storage().deleteMessages(queue.id, [request], T0 + 11 * SECOND)).toEqual(['ok']);
      expect(await storage().deleteMessages(queue.id, [request], T0 + 11 * SECOND)).toEqual(['gone']);
      await expectStats(storage(), queue, T0 + 11 * SECOND, {});
    });

    it('reports a handle older than the latest as stale and keeps the message', async () => {
      const { queue, old } = await receivedTwice();
      expect(await storage().deleteMessages(queue.id, [{ ref: refOf(queue, old), allowStale: false }], T0 + 11 * SECOND)).toEqual([
        'stale',
      ]);
      await expectStats(storage(), queue, T0 + 11 * SECOND, { inFlight: 1 });
    });

    it('deletes on a stale handle when allowed', async () => {
      const { queue, old } = await receivedTwice();
      expect(await storage().deleteMessages(queue.id, [{ ref: refOf(queue, old), allowStale: true }], T0 + 11 * SECOND)).toEqual([
        'ok',
      ]);
      await expectStats(storage(), queue, T0 + 11 * SECOND, {});
    });

    it('reports the latest handle expired once its visibility ended; deletes anyway when allowed', async () => {
      const { queue, latest } = await receivedTwice();
      const ref = refOf(queue, latest);
      expect(await storage().deleteMessages(queue.id, [{ ref, allowStale: false }], T0 + 20 * SECOND)).toEqual(['expired']);
      await expectStats(storage(), queue, T0 + 20 * SECOND, { visible: 1 });
      expect(await storage().deleteMessages(queue.id, [{ ref, allowStale: true }], T0 + 20 * SECOND)).toEqual(['ok']);
      await expectStats(storage(), queue, T0 + 20 * SECOND, {});
    });

    it('answers each entry of a batch in order, and a handle of another queue is gone', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      const other = await createQueue(storage(), 'other');
      await send(storage(), queue.id, T0, 'a', 'b');
      const [a, b] = (await receive(storage(), queue, T0)).messages;
      // when
      const outcomes = await storage().deleteMessages(
        queue.id,
        [
          { ref: refOf(queue, a!), allowStale: false },
          { ref: { ...refOf(queue, b!), receiptToken: 'forged' }, allowStale: false },
          { ref: { queueId: queue.id, seq: 999_999, receiptToken: 'x' }, allowStale: false },
        ],
        T0,
      );
      // then
      expect(outcomes).toEqual(['ok', 'stale', 'gone']);
      expect(await storage().deleteMessages(other.id, [{ ref: refOf(queue, b!), allowStale: true }], T0)).toEqual(['gone']);
    });

    it('changes visibility from now, including back to visible', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a');
      const [m] = (await receive(storage(), queue, T0, { visibilityMs: 10 * SECOND })).messages;
      const change = (visibleAt: number, now: number) =>
        storage().changeVisibilities(queue.id, [{ ref: refOf(queue, m!), visibleAt, maxVisibleAfterReceiveMs: TWELVE_HOURS_MS, allowStale: false }], now);
      // when: extend
      expect(await change(T0 + 60 * SECOND, T0 + 5 * SECOND)).toEqual(['ok']);
      // then
      expect((await receive(storage(), queue, T0 + 30 * SECOND)).messages).toEqual([]);
      expect(await storage().nextVisibleAt(queue.id, T0 + 30 * SECOND)).toBe(T0 + 60 * SECOND);
      // when: release
      expect(await change(T0 + 31 * SECOND, T0 + 31 * SECOND)).toEqual(['ok']);
      // then
      expect(bodies(await receive(storage(), queue, T0 + 31 * SECOND))).toEqual(['a']);
    });

    it('refuses a visibility beyond 12 hours after the receive', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a');
      const [m] = (await receive(storage(), queue, T0 + SECOND)).messages;
      const change = (visibleAt: number) =>
        storage().changeVisibilities(queue.id, [{ ref: refOf(queue, m!), visibleAt, maxVisibleAfterReceiveMs: TWELVE_HOURS_MS, allowStale: false }], T0 + 2 * SECOND);
      expect(await change(T0 + SECOND + TWELVE_HOURS_MS + 1)).toEqual(['overLimit']);
      expect(await change(T0 + SECOND + TWELVE_HOURS_MS)).toEqual(['ok']);
    });

    it('changes visibility after it already ended if nobody received the message since', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a');
      const [m] = (await receive(storage(), queue, T0, { visibilityMs: SECOND })).messages;
      const outcome = await storage().changeVisibilities(
        queue.id,
        [{ ref: refOf(queue, m!), visibleAt: T0 + 60 * SECOND, maxVisibleAfterReceiveMs: TWELVE_HOURS_MS, allowStale: false }],
        T0 + 5 * SECOND,
      );
      expect(outcome).toEqual(['ok']);
      await expectStats(storage(), queue, T0 + 5 * SECOND, { inFlight: 1 });
    });

    it('applies a change made with a superseded handle to the message when stale handles are allowed', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a');
      const [m] = (await receive(storage(), queue, T0, { visibilityMs: SECOND })).messages;
      await receive(storage(), queue, T0 + SECOND, { visibilityMs: MINUTE_LATER });
      const change = { ref: refOf(queue, m!), visibleAt: T0 + 2 * SECOND, maxVisibleAfterReceiveMs: TWELVE_HOURS_MS, allowStale: true };
      expect(await storage().changeVisibilities(queue.id, [change], T0 + 2 * SECOND)).toEqual(['ok']);
      expect(bodies(await receive(storage(), queue, T0 + 2 * SECOND))).toEqual(['a']);
    });

    it('reports gone and stale handles without changing anything', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a');
      const [m] = (await receive(storage(), queue, T0, { visibilityMs: SECOND })).messages;
      const [again] = (await receive(storage(), queue, T0 + SECOND, { visibilityMs: SECOND })).messages;
      const change = (ref: ReturnType<typeof refOf>) => ({ ref, visibleAt: T0 + MINUTE_LATER, maxVisibleAfterReceiveMs: TWELVE_HOURS_MS, allowStale: false });
      // when
      const outcomes = await storage().changeVisibilities(
        queue.id,
        [change(refOf(queue, m!)), change({ queueId: queue.id, seq: 424_242, receiptToken: 'x' })],
        T0 + SECOND,
      );
      // then
      expect(outcomes).toEqual(['stale', 'gone']);
      expect(bodies(await receive(storage(), queue, T0 + 2 * SECOND))).toEqual([again!.body]);
    });
  });
}

const MINUTE_LATER = 60 * SECOND;
