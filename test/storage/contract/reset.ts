import { describe, expect, it } from 'vitest';
import { ACCOUNT, type MakeStorage, MINUTE, SECOND, T0, arnOf, createQueue, receive, send, useStorage } from './fixtures.js';

// reset() is the test controls' clean slate: afterwards the store answers as if freshly opened.
export function resetContract(make: MakeStorage): void {
  describe('reset', () => {
    const storage = useStorage(make);

    it('forgets every queue, message, deleted name, dedup id and move task, and reuses no id', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      const fifo = await createQueue(storage(), 'f.fifo');
      const gone = await createQueue(storage(), 'gone');
      await send(storage(), queue.id, T0, 'one', 'two');
      await send(storage(), fifo.id, T0, ['dup', { groupId: 'g', dedupId: 'd' }]);
      await receive(storage(), queue, T0, { max: 1 });
      await storage().deleteQueue(gone.id, T0);
      await storage().createMoveTask({
        taskId: 't', sourceQueueId: queue.id, sourceArn: arnOf('q'), destinationArn: null, maxPerSecond: null, toMove: 1, startedAt: T0,
      });
      expect(await storage().getQueue(ACCOUNT, 'q')).toBeDefined();
      // when
      await storage().reset();
      // then
      expect(await storage().listQueues({ limit: 100 })).toEqual([]);
      expect(await storage().getQueue(ACCOUNT, 'q')).toBeUndefined();
      expect(await storage().getQueueById(queue.id)).toBeUndefined();
      expect(await storage().queueStats(queue.id, T0)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
      expect(await storage().activeMoveTasks()).toEqual([]);
      expect((await storage().createQueue(newName('gone'), T0 + SECOND, MINUTE)).outcome).toBe('created');
      const again = await createQueue(storage(), 'f.fifo', { now: T0 + SECOND });
      expect(again.id).toBeGreaterThan(gone.id);
      const [resent] = await send(storage(), again.id, T0 + SECOND, ['dup', { groupId: 'g', dedupId: 'd' }]);
      expect(resent).toMatchObject({ outcome: 'sent' });
      expect(await storage().queueStats(again.id, T0 + SECOND)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    });
  });
}

const newName = (name: string) => ({
  account: ACCOUNT, name, fifo: false, attributes: { VisibilityTimeout: '30' }, tags: {}, retentionMs: MINUTE, deadLetterTargetArn: null,
});
