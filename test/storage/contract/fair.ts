import { describe, expect, it } from 'vitest';
import { type MakeStorage, SECOND, T0, bodies, createQueue, receive, send, useStorage } from './fixtures.js';

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

    it('delivers messages of one group in parallel (no FIFO blocking)', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, g('a0', 'A'), g('a1', 'A'));
      expect(bodies(await receive(storage(), queue, T0, { max: 1 }))).toEqual(['a0']);
      expect(bodies(await receive(storage(), queue, T0, { max: 1 }))).toEqual(['a1']);
    });
  });
}
