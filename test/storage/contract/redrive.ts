import { describe, expect, it } from 'vitest';
import type { QueueRecord, RedriveTarget } from '../../../src/core/types.js';
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

export function redriveContract(make: MakeStorage): void {
  describe('dead-letter redrive on receive', () => {
    const storage = useStorage(make);

    const redriveTo = (dlq: QueueRecord, maxReceiveCount: number, extra: Partial<RedriveTarget> = {}): RedriveTarget => ({
      deadLetterQueueId: dlq.id,
      maxReceiveCount,
      sourceArn: arnOf('source'),
      resetEnqueueTime: false,
      deadLetterRetentionMs: 14 * DAY,
      ...extra,
    });

    async function queues(fifo = false) {
      const suffix = fifo ? '.fifo' : '';
      const source = await createQueue(storage(), `source${suffix}`);
      const dlq = await createQueue(storage(), `dlq${suffix}`);
      return { source, dlq };
    }

    it('delivers up to maxReceiveCount times, then moves the message on the next receive', async () => {
      // given
      const { source, dlq } = await queues();
      const [sent] = await send(storage(), source.id, T0, 'poison');
      const redrive = redriveTo(dlq, 1);
      // when: the first receive delivers
      expect(bodies(await receive(storage(), source, T0, { redrive, visibilityMs: SECOND }))).toEqual(['poison']);
      // and the second moves
      const second = await receive(storage(), source, T0 + SECOND, { redrive });
      // then
      expect(second.messages).toEqual([]);
      expect(second.redrivenTo).toEqual([dlq.id]);
      await expectStats(storage(), source, T0 + SECOND, {});
      await expectStats(storage(), dlq, T0 + SECOND, { visible: 1 });
      const [moved] = (await receive(storage(), dlq, T0 + SECOND)).messages;
      expect(moved).toMatchObject({
        messageId: sent!.messageId,
        body: 'poison',
        md5OfBody: 'md5-poison',
        attributes: { Color: { DataType: 'String', StringValue: 'color-of-poison' } },
        systemAttributes: { DeadLetterQueueSourceArn: { DataType: 'String', StringValue: arnOf('source') } },
        sentAt: T0,
        receiveCount: 2,
        firstReceivedAt: T0,
      });
      expect(moved!.seq).not.toBe(sent!.seq);
    });

    it('keeps claiming past moved messages until the batch is full', async () => {
      // given
      const { source, dlq } = await queues();
      await send(storage(), source.id, T0, 'p1', 'p2');
      await receive(storage(), source, T0, { visibilityMs: SECOND });
      await send(storage(), source.id, T0 + SECOND, 'fresh1', 'fresh2', 'fresh3');
      // when
      const result = await receive(storage(), source, T0 + SECOND, { max: 2, redrive: redriveTo(dlq, 1) });
      // then
      expect(bodies(result)).toEqual(['fresh1', 'fresh2']);
      await expectStats(storage(), dlq, T0 + SECOND, { visible: 2 });
      await expectStats(storage(), source, T0 + SECOND, { visible: 1, inFlight: 2 });
    });

    it('never leaves a message in both queues or in neither', async () => {
      // given
      const { source, dlq } = await queues();
      await send(storage(), source.id, T0, ...Array.from({ length: 12 }, (_, i) => `m${i}`));
      const redrive = redriveTo(dlq, 2);
      // when: receives at staggered times with short visibilities
      const seen = new Set<string>();
      for (let i = 0; i < 8; i += 1) {
        const result = await receive(storage(), source, T0 + i * SECOND, { max: 4, visibilityMs: SECOND, redrive });
        for (const m of result.messages) seen.add(m.messageId);
        // then: every message is in exactly one queue
        const now = T0 + i * SECOND;
        const a = await storage().queueStats(source.id, now);
        const b = await storage().queueStats(dlq.id, now);
        expect(a.visible + a.inFlight + b.visible + b.inFlight).toBe(12);
      }
      const inDlq = (await receive(storage(), dlq, T0 + MINUTE, { max: 10 })).messages;
      const inDlq2 = (await receive(storage(), dlq, T0 + MINUTE, { max: 10 })).messages;
      expect(inDlq.length + inDlq2.length).toBe(12);
      expect(new Set([...inDlq, ...inDlq2].map((m) => m.messageId)).size).toBe(12);
    });

    it('keeps group order in a FIFO dead-letter queue', async () => {
      // given
      const { source, dlq } = await queues(true);
      const g = (body: string): [string, { groupId: string; dedupId: string }] => [body, { groupId: 'G', dedupId: body }];
      await send(storage(), source.id, T0, g('m1'), g('m2'), g('m3'));
      await receive(storage(), source, T0, { visibilityMs: SECOND });
      // when
      const result = await receive(storage(), source, T0 + SECOND, { redrive: redriveTo(dlq, 1, { resetEnqueueTime: true }) });
      // then
      expect(result.messages).toEqual([]);
      const moved = (await receive(storage(), dlq, T0 + SECOND)).messages;
      expect(bodies(moved)).toEqual(['m1', 'm2', 'm3']);
      expect(moved.map((m) => [m.groupId, m.deduplicationId])).toEqual([
        ['G', 'm1'],
        ['G', 'm2'],
        ['G', 'm3'],
      ]);
    });

    it('counts retention in the DLQ from the original send, or from the move when asked', async () => {
      // given
      const { source, dlq } = await queues();
      const other = await createQueue(storage(), 'other-source');
      await send(storage(), source.id, T0, 'kept-time');
      await send(storage(), other.id, T0, 'reset-time');
      await receive(storage(), source, T0, { visibilityMs: MINUTE });
      await receive(storage(), other, T0, { visibilityMs: MINUTE });
      const deadLetterRetentionMs = 10 * MINUTE;
      // when: one is moved keeping its enqueue time, the other restarting it
      await receive(storage(), source, T0 + 5 * MINUTE, { redrive: redriveTo(dlq, 1, { deadLetterRetentionMs }) });
      await receive(storage(), other, T0 + 5 * MINUTE, {
        redrive: redriveTo(dlq, 1, { deadLetterRetentionMs, resetEnqueueTime: true }),
      });
      // then
      await expectStats(storage(), dlq, T0 + 5 * MINUTE, { visible: 2 });
      expect(bodies(await receive(storage(), dlq, T0 + 10 * MINUTE, { visibilityMs: 0 }))).toEqual(['reset-time']);
      await expectStats(storage(), dlq, T0 + 15 * MINUTE, {});
    });

    it('ignores a redrive policy that targets the queue itself', async () => {
      const { source } = await queues(true);
      await send(storage(), source.id, T0, ['a', { groupId: 'G', dedupId: 'a' }]);
      await receive(storage(), source, T0, { visibilityMs: 0 });
      expect(bodies(await receive(storage(), source, T0, { redrive: redriveTo(source, 1) }))).toEqual(['a']);
    });

    it('delivers normally when the dead-letter queue no longer exists', async () => {
      const { source, dlq } = await queues();
      await send(storage(), source.id, T0, 'a');
      await receive(storage(), source, T0, { visibilityMs: SECOND });
      await storage().deleteQueue(dlq.id, T0);
      const result = await receive(storage(), source, T0 + SECOND, { redrive: redriveTo(dlq, 1) });
      expect(bodies(result)).toEqual(['a']);
      expect(result.redrivenTo).toEqual([]);
    });
  });
}
