import { describe, expect, it } from 'vitest';
import { type MakeStorage, SECOND, T0, TWELVE_HOURS_MS, bodies, createQueue, receive, refOf, send, useStorage } from './fixtures.js';

// Fair queues (reference §5): a standard queue whose messages carry MessageGroupId must not let one
// group's backlog starve the others.
export function fairQueueContract(make: MakeStorage): void {
  describe('fair standard queues', () => {
    const storage = useStorage(make);
    const g = (body: string, groupId: string): [string, { groupId: string }] => [body, { groupId }];

    it('takes from every group with visible messages before taking more from one', async () => {
      // given: a noisy tenant with an older backlog
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, ...Array.from({ length: 8 }, (_, i) => g(`a${i}`, 'A')));
      await send(storage(), queue.id, T0 + SECOND, g('b0', 'B'), g('c0', 'C'));
      // when
      const result = await receive(storage(), queue, T0 + 2 * SECOND, { max: 3 });
      // then
      expect(bodies(result).sort()).toEqual(['a0', 'b0', 'c0']);
      expect(result.messages.find((m) => m.body === 'b0')?.groupId).toBe('B');
    });

    it('rotates between groups across receives', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, ...Array.from({ length: 5 }, (_, i) => g(`a${i}`, 'A')));
      await send(storage(), queue.id, T0 + SECOND, g('b0', 'B'), g('b1', 'B'));
      // when
      const taken: string[] = [];
      for (let i = 0; i < 5; i += 1) taken.push(...bodies(await receive(storage(), queue, T0 + 10 * SECOND + i, { max: 1 })));
      // then
      expect(taken).toEqual(['a0', 'b0', 'a1', 'b1', 'a2']);
    });

    it('treats messages without a group as one more tenant', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'x0', 'x1', 'x2');
      await send(storage(), queue.id, T0 + SECOND, g('a0', 'A'));
      expect(bodies(await receive(storage(), queue, T0 + 2 * SECOND, { max: 2 })).sort()).toEqual(['a0', 'x0']);
    });

    it('still serves the ungrouped messages that were in flight when the queue turned fair', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'x0');
      expect(bodies(await receive(storage(), queue, T0, { max: 1, visibilityMs: SECOND }))).toEqual(['x0']);
      await send(storage(), queue.id, T0, g('a0', 'A'));
      expect(bodies(await receive(storage(), queue, T0 + 2 * SECOND, { max: 10 })).sort()).toEqual(['a0', 'x0']);
    });

    it('fills the batch from the remaining groups when others run dry', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, g('a0', 'A'), g('a1', 'A'), g('a2', 'A'), g('b0', 'B'));
      expect(bodies(await receive(storage(), queue, T0, { max: 10 })).sort()).toEqual(['a0', 'a1', 'a2', 'b0']);
    });

    it('moves a group to its earliest visible message after a batch of visibility changes', async () => {
      // given a group whose three messages are in flight, then one batch that pushes the head far out
      // and brings the other two back at different times
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, g('h', 'A'), g('x', 'A'), g('y', 'A'));
      const received = (await receive(storage(), queue, T0, { max: 3 })).messages;
      const ref = (body: string) => refOf(queue, received.find((m) => m.body === body)!);
      const change = (body: string, visibleAt: number) => ({ ref: ref(body), visibleAt, maxVisibleAfterReceiveMs: TWELVE_HOURS_MS, allowStale: false });
      // when
      const outcomes = await storage().changeVisibilities(
        queue.id, [change('h', T0 + 500 * SECOND), change('y', T0 + 150 * SECOND), change('x', T0 + 200 * SECOND)], T0 + SECOND,
      );
      // then the group is served as soon as y is visible, then x, then h
      expect(outcomes).toEqual(['ok', 'ok', 'ok']);
      const at = async (seconds: number) => bodies(await receive(storage(), queue, T0 + seconds * SECOND, { visibilityMs: 1_000 * SECOND }));
      expect(await at(149)).toEqual([]);
      expect(await at(150)).toEqual(['y']);
      expect(await at(200)).toEqual(['x']);
      expect(await at(500)).toEqual(['h']);
    });

    it('delivers messages of one group in parallel (no FIFO blocking)', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, g('a0', 'A'), g('a1', 'A'));
      expect(bodies(await receive(storage(), queue, T0, { max: 1 }))).toEqual(['a0']);
      expect(bodies(await receive(storage(), queue, T0, { max: 1 }))).toEqual(['a1']);
    });
  });
}
