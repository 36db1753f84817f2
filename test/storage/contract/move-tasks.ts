import { describe, expect, it } from 'vitest';
import type { QueueRecord, RedriveTarget } from '../../../src/core/types.js';
import type { MoveBatchRequest, NewMoveTask } from '../../../src/storage/storage.js';
import {
  DAY,
  type MakeStorage,
  MINUTE,
  SECOND,
  T0,
  arnOf,
  bodies,
  createQueue,
  expectStats,
  receive,
  send,
  useStorage,
} from './fixtures.js';

export function moveTaskContract(make: MakeStorage): void {
  describe('message move tasks', () => {
    const storage = useStorage(make);

    const task = (source: QueueRecord, taskId: string, startedAt = T0, destinationArn: string | null = null): NewMoveTask => ({
      taskId,
      sourceQueueId: source.id,
      sourceArn: arnOf(source.name),
      destinationArn,
      maxPerSecond: null,
      toMove: 3,
      startedAt,
    });

    /** Sends to each source, lets each message fail once, and redrives it to the DLQ. */
    async function deadLetters(dlq: QueueRecord, perSource: Record<string, QueueRecord>, now = T0) {
      for (const [body, source] of Object.entries(perSource)) {
        await send(storage(), source.id, now, body);
        await receive(storage(), source, now, { visibilityMs: 0 });
        await receive(storage(), source, now, { redrive: redriveTo(dlq, arnOf(source.name), false) });
      }
    }

    const redriveTo = (dlq: QueueRecord, sourceArn: string, resetEnqueueTime: boolean): RedriveTarget => ({
      deadLetterQueueId: dlq.id,
      maxReceiveCount: 1,
      sourceArn,
      resetEnqueueTime,
      deadLetterRetentionMs: 14 * DAY,
    });

    const batch = (source: QueueRecord, overrides: Partial<MoveBatchRequest>): MoveBatchRequest => ({
      sourceQueueId: source.id,
      destinationQueueId: null,
      resolveSource: () => null,
      destinationRetentionMs: 4 * DAY,
      max: 10,
      now: T0 + SECOND,
      ...overrides,
    });

    it('records tasks, lists them most recent first, and tracks status', async () => {
      // given
      const dlq = await createQueue(storage(), 'dlq');
      const first = await storage().createMoveTask(task(dlq, 'first', T0));
      await storage().createMoveTask(task(dlq, 'second', T0 + SECOND, arnOf('target')));
      // then
      expect(first).toMatchObject({ taskId: 'first', status: 'RUNNING', moved: 0, toMove: 3, failureReason: null, startedAt: T0 });
      expect((await storage().listMoveTasks(dlq.id, 10)).map((t) => t.taskId)).toEqual(['second', 'first']);
      expect((await storage().listMoveTasks(dlq.id, 1)).map((t) => t.taskId)).toEqual(['second']);
      // when
      await storage().setMoveTaskStatus('first', 'FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
      await storage().setMoveTaskStatus('second', 'CANCELLING');
      // then
      expect(await storage().getMoveTask('first')).toMatchObject({ status: 'FAILED', failureReason: 'AWS.SimpleQueueService.NonExistentQueue' });
      expect((await storage().activeMoveTasks()).map((t) => t.taskId)).toEqual(['second']);
      expect(await storage().getMoveTask('missing')).toBeUndefined();
    });

    it('moves to a fixed destination in batches and counts what it moved', async () => {
      // given
      const source = await createQueue(storage(), 'source');
      const dlq = await createQueue(storage(), 'dlq');
      const target = await createQueue(storage(), 'target');
      await deadLetters(dlq, { m1: source, m2: source, m3: source });
      await storage().createMoveTask(task(dlq, 't1'));
      const request = batch(dlq, { destinationQueueId: target.id, max: 2 });
      // when
      const first = await storage().moveMessages('t1', request);
      const second = await storage().moveMessages('t1', request);
      const third = await storage().moveMessages('t1', request);
      // then
      expect([first, second, third]).toEqual([
        { moved: 2, movedTo: [target.id], unresolvable: 0 },
        { moved: 1, movedTo: [target.id], unresolvable: 0 },
        { moved: 0, movedTo: [], unresolvable: 0 },
      ]);
      expect((await storage().getMoveTask('t1'))?.moved).toBe(3);
      const moved = (await receive(storage(), target, T0 + SECOND)).messages;
      expect(bodies(moved)).toEqual(['m1', 'm2', 'm3']);
      expect(moved[0]).toMatchObject({ receiveCount: 1, systemAttributes: {}, firstReceivedAt: T0 + SECOND });
    });

    it('returns each message to the queue it came from', async () => {
      // given
      const a = await createQueue(storage(), 'a');
      const b = await createQueue(storage(), 'b');
      const dlq = await createQueue(storage(), 'dlq');
      await deadLetters(dlq, { fromA: a, fromB: b, alsoFromA: a });
      await storage().createMoveTask(task(dlq, 't1'));
      const byArn: Record<string, QueueRecord> = { [arnOf('a')]: a, [arnOf('b')]: b };
      // when
      const result = await storage().moveMessages(
        't1',
        batch(dlq, { resolveSource: (arn) => (byArn[arn] ? { queueId: byArn[arn].id, retentionMs: 4 * DAY } : null) }),
      );
      // then
      expect(result.moved).toBe(3);
      expect(result.movedTo.sort()).toEqual([a.id, b.id].sort());
      expect(bodies(await receive(storage(), a, T0 + SECOND))).toEqual(['fromA', 'alsoFromA']);
      expect(bodies(await receive(storage(), b, T0 + SECOND))).toEqual(['fromB']);
      await expectStats(storage(), dlq, T0 + SECOND, {});
    });

    it('leaves and counts messages whose source queue is gone', async () => {
      // given
      const a = await createQueue(storage(), 'a');
      const gone = await createQueue(storage(), 'gone');
      const dlq = await createQueue(storage(), 'dlq');
      await deadLetters(dlq, { orphan: gone, fromA: a });
      await storage().createMoveTask(task(dlq, 't1'));
      // when
      const result = await storage().moveMessages(
        't1',
        batch(dlq, { resolveSource: (arn) => (arn === arnOf('a') ? { queueId: a.id, retentionMs: 4 * DAY } : null) }),
      );
      // then
      expect(result).toEqual({ moved: 1, movedTo: [a.id], unresolvable: 1 });
      expect((await storage().getMoveTask('t1'))?.moved).toBe(1);
      await expectStats(storage(), dlq, T0 + SECOND, { visible: 1 });
      expect(bodies(await receive(storage(), a, T0 + SECOND))).toEqual(['fromA']);
    });

    it('steps over messages it cannot place without using the batch for them', async () => {
      // given: an orphan ahead of two placeable messages
      const a = await createQueue(storage(), 'a');
      const gone = await createQueue(storage(), 'gone');
      const dlq = await createQueue(storage(), 'dlq');
      await deadLetters(dlq, { orphan: gone, first: a, second: a });
      await storage().createMoveTask(task(dlq, 't1'));
      const toA = (arn: string) => (arn === arnOf('a') ? { queueId: a.id, retentionMs: 4 * DAY } : null);
      // when
      const one = await storage().moveMessages('t1', batch(dlq, { resolveSource: toA, max: 1 }));
      const two = await storage().moveMessages('t1', batch(dlq, { resolveSource: toA, max: 1 }));
      const three = await storage().moveMessages('t1', batch(dlq, { resolveSource: toA, max: 1 }));
      // then
      expect([one.moved, two.moved, three.moved]).toEqual([1, 1, 0]);
      expect(three.unresolvable).toBe(1);
      expect(bodies(await receive(storage(), a, T0 + SECOND))).toEqual(['first', 'second']);
    });

    it('moves only messages that are receivable now', async () => {
      // given
      const source = await createQueue(storage(), 'source');
      const dlq = await createQueue(storage(), 'dlq');
      const target = await createQueue(storage(), 'target');
      await deadLetters(dlq, { m1: source, m2: source });
      await receive(storage(), dlq, T0, { max: 1, visibilityMs: MINUTE });
      await storage().createMoveTask(task(dlq, 't1'));
      // when
      const result = await storage().moveMessages('t1', batch(dlq, { destinationQueueId: target.id }));
      // then
      expect(result.moved).toBe(1);
      await expectStats(storage(), dlq, T0 + SECOND, { inFlight: 1 });
    });

    it('moves a FIFO dead-letter queue group by group, keeping order', async () => {
      // given
      const source = await createQueue(storage(), 'source.fifo');
      const dlq = await createQueue(storage(), 'dlq.fifo');
      const g = (body: string, groupId: string): [string, { groupId: string; dedupId: string }] => [
        body,
        { groupId, dedupId: body },
      ];
      await send(storage(), source.id, T0, g('a1', 'A'), g('b1', 'B'), g('a2', 'A'));
      await receive(storage(), source, T0, { visibilityMs: 0 });
      await receive(storage(), source, T0, { redrive: redriveTo(dlq, arnOf('source.fifo'), true) });
      await storage().createMoveTask(task(dlq, 't1'));
      // when
      const result = await storage().moveMessages(
        't1',
        batch(dlq, { resolveSource: () => ({ queueId: source.id, retentionMs: DAY }) }),
      );
      // then
      expect(result.moved).toBe(3);
      expect(bodies(await receive(storage(), source, T0 + SECOND))).toEqual(['a1', 'a2', 'b1']);
    });

    it('keeps a FIFO group behind a message it cannot place, and moves other groups', async () => {
      // given: group A starts with a message whose source is gone
      const gone = await createQueue(storage(), 'gone.fifo');
      const source = await createQueue(storage(), 'source.fifo');
      const dlq = await createQueue(storage(), 'dlq.fifo');
      const g = (body: string, groupId: string): [string, { groupId: string; dedupId: string }] => [
        body,
        { groupId, dedupId: body },
      ];
      for (const [queue, entries] of [
        [gone, [g('orphan', 'A')]],
        [source, [g('a2', 'A'), g('b1', 'B')]],
      ] as const) {
        await send(storage(), queue.id, T0, ...entries);
        await receive(storage(), queue, T0, { visibilityMs: 0 });
        await receive(storage(), queue, T0, { redrive: redriveTo(dlq, arnOf(queue.name), true) });
      }
      await storage().createMoveTask(task(dlq, 't1'));
      const toSource = (arn: string) => (arn === arnOf('source.fifo') ? { queueId: source.id, retentionMs: DAY } : null);
      // when
      const result = await storage().moveMessages('t1', batch(dlq, { resolveSource: toSource }));
      // then
      expect(result).toEqual({ moved: 1, movedTo: [source.id], unresolvable: 1 });
      expect(bodies(await receive(storage(), source, T0 + SECOND))).toEqual(['b1']);
      expect(bodies(await receive(storage(), dlq, T0 + SECOND))).toEqual(['orphan', 'a2']);
    });
  });
}
