import { describe, expect, it } from 'vitest';
import type { SendResult } from '../../../src/storage/storage.js';
import {
  type MakeStorage,
  MINUTE,
  SECOND,
  T0,
  bodies,
  createQueue,
  expectStats,
  message,
  receive,
  refOf,
  send,
  useStorage,
} from './fixtures.js';

export function messageContract(make: MakeStorage): void {
  describe('standard messages', () => {
    const storage = useStorage(make);

    it('delivers in send order with everything that was stored', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      const sent = (await storage().sendMessages(
        queue.id,
        [message('one', T0, { systemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1' } } }), message('two', T0)],
        T0,
      )) as SendResult[];
      // when
      const result = await receive(storage(), queue, T0 + SECOND, { visibilityMs: 30 * SECOND });
      // then
      expect(bodies(result)).toEqual(['one', 'two']);
      const [first] = result.messages;
      expect(first).toMatchObject({
        seq: sent[0]!.seq,
        messageId: sent[0]!.messageId,
        body: 'one',
        md5OfBody: 'md5-one',
        attributes: { Color: { DataType: 'String', StringValue: 'color-of-one' } },
        systemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1' } },
        senderId: 'AKIDEXAMPLE',
        sentAt: T0,
        groupId: null,
        deduplicationId: null,
        receiveCount: 1,
        firstReceivedAt: T0 + SECOND,
        visibleAt: T0 + 31 * SECOND,
      });
      expect(first!.receiptToken).toMatch(/^[A-Za-z0-9_-]{8,}$/);
      expect(result.messages[1]!.receiptToken).not.toBe(first!.receiptToken);
      // Only a receive that found nothing reports when the next message is due (for its long poll).
      expect(result.nextVisibleAt).toBeNull();
      expect(result.redrivenTo).toEqual([]);
    });

    it('stores a batch of ten in one call with increasing sequence numbers', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      const names = Array.from({ length: 10 }, (_, i) => `m${i}`);
      // when
      const results = await send(storage(), queue.id, T0, ...names);
      // then
      expect(results.every((r) => r.outcome === 'sent')).toBe(true);
      const seqs = results.map((r) => r.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(10);
      expect(bodies(await receive(storage(), queue, T0, { max: 10 }))).toEqual(names);
    });

    it('keeps each of many concurrent sends whole: its own order, its own sent time, every message once', async () => {
      // given twenty batches of three sent at once, each at its own time (backends may commit them together)
      const queue = await createQueue(storage(), 'q');
      const requests = Array.from({ length: 20 }, (_, r) => ({
        now: T0 + r * 10,
        bodies: [0, 1, 2].map((m) => `r${r}-m${m}`),
      }));
      // when
      const results = await Promise.all(
        requests.map(({ now, bodies: names }) => send(storage(), queue.id, now, ...names)),
      );
      // then every request got its own seqs, increasing in its input order
      for (const sent of results) {
        const seqs = sent.map((r) => r.seq);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      }
      expect(new Set(results.flat().map((r) => r.seq)).size).toBe(60);
      const received = [];
      for (let batch = await receive(storage(), queue, T0 + SECOND); batch.messages.length > 0; batch = await receive(storage(), queue, T0 + SECOND)) {
        received.push(...batch.messages);
      }
      expect(received).toHaveLength(60);
      for (const { body, sentAt, seq, messageId } of received) {
        const [r, m] = body.slice(1).split('-m').map(Number) as [number, number];
        expect(sentAt).toBe(requests[r]!.now);
        expect({ seq, messageId }).toEqual({ seq: results[r]![m]!.seq, messageId: results[r]![m]!.messageId });
      }
    });

    it('gives concurrent receives disjoint messages, each at most its max, with its own time and timeout', async () => {
      // given 30 messages and twelve receives at once with different max, times and visibility timeouts
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, ...Array.from({ length: 30 }, (_, i) => `m${String(i).padStart(2, '0')}`));
      const asks = Array.from({ length: 12 }, (_, i) => ({ max: 1 + (i % 4), now: T0 + SECOND + i, visibilityMs: (i + 1) * SECOND }));
      // when
      const answers = await Promise.all(
        asks.map(({ max, now, visibilityMs }) => receive(storage(), queue, now, { max, visibilityMs })),
      );
      // then 30 messages went out once each (the asks add up to 30), each answer in send order
      const all = answers.flatMap((answer) => bodies(answer));
      expect(all.toSorted()).toEqual(Array.from({ length: 30 }, (_, i) => `m${String(i).padStart(2, '0')}`));
      answers.forEach((answer, i) => {
        expect(answer.messages).toHaveLength(asks[i]!.max);
        expect(bodies(answer)).toEqual(bodies(answer).toSorted());
        for (const claimed of answer.messages) {
          expect(claimed).toMatchObject({ firstReceivedAt: asks[i]!.now, visibleAt: asks[i]!.now + asks[i]!.visibilityMs });
        }
        // one receive's handles are not another's
        expect(new Set(answer.messages.map((m) => m.receiptToken)).size).toBe(answer.messages.length);
      });
      expect(new Set(answers.flatMap((answer) => answer.messages.map((m) => m.receiptToken))).size).toBe(30);
      expect((await receive(storage(), queue, T0 + SECOND + 12)).messages).toEqual([]);
    });

    it('respects max', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a', 'b', 'c');
      expect(bodies(await receive(storage(), queue, T0, { max: 2 }))).toEqual(['a', 'b']);
      expect(bodies(await receive(storage(), queue, T0, { max: 2 }))).toEqual(['c']);
    });

    it('claims no more than would pass maxInFlight, and reports when the limit is reached', async () => {
      // given 6 messages and a limit of 4 in flight
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a', 'b', 'c', 'd', 'e', 'f');
      // when
      const first = await receive(storage(), queue, T0, { max: 3, maxInFlight: 4 });
      const second = await receive(storage(), queue, T0, { max: 3, maxInFlight: 4 });
      const third = await receive(storage(), queue, T0, { max: 3, maxInFlight: 4 });
      // then
      expect(bodies(first)).toEqual(['a', 'b', 'c']);
      expect(bodies(second)).toEqual(['d']);
      expect(second.inFlightLimitReached).toBe(false);
      expect(third).toMatchObject({ messages: [], inFlightLimitReached: true, nextVisibleAt: T0 + 30 * SECOND });
      // and a delete, or a visibility timeout running out, makes room again
      expect(await storage().deleteMessages(queue.id, [{ ref: refOf(queue, first.messages[0]!), allowStale: false }], T0)).toEqual(['ok']);
      expect(bodies(await receive(storage(), queue, T0, { max: 3, maxInFlight: 4 }))).toEqual(['e']);
      // (f has been visible since T0, the others since their timeouts ran out at T0 + 30 s)
      expect(bodies(await receive(storage(), queue, T0 + 30 * SECOND, { max: 10, maxInFlight: 4 }))).toEqual(['f', 'b', 'c', 'd']);
    });

    it('hides a received message until its visibility timeout ends, then redelivers it', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a');
      const [first] = (await receive(storage(), queue, T0, { visibilityMs: 10 * SECOND })).messages;
      // then
      expect((await receive(storage(), queue, T0 + 10 * SECOND - 1)).messages).toEqual([]);
      const [again] = (await receive(storage(), queue, T0 + 10 * SECOND)).messages;
      expect(again).toMatchObject({ messageId: first!.messageId, receiveCount: 2, firstReceivedAt: T0 });
      expect(again!.receiptToken).not.toBe(first!.receiptToken);
    });

    it('keeps a delayed message back until its delay ends', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      await storage().sendMessages(queue.id, [message('later', T0, { delayMs: 5 * SECOND })], T0);
      // when
      const early = await receive(storage(), queue, T0 + SECOND);
      // then
      expect(early.messages).toEqual([]);
      expect(early.nextVisibleAt).toBe(T0 + 5 * SECOND);
      expect(await storage().nextVisibleAt(queue.id, T0 + SECOND)).toBe(T0 + 5 * SECOND);
      await expectStats(storage(), queue, T0 + SECOND, { delayed: 1 });
      expect(bodies(await receive(storage(), queue, T0 + 5 * SECOND))).toEqual(['later']);
      expect(await storage().nextVisibleAt(queue.id, T0 + 5 * SECOND)).toBe(T0 + 35 * SECOND);
    });

    it('never returns a message twice in one receive, even with a zero visibility timeout', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a', 'b');
      expect(bodies(await receive(storage(), queue, T0, { visibilityMs: 0 }))).toEqual(['a', 'b']);
      expect(bodies(await receive(storage(), queue, T0, { visibilityMs: 0 }))).toEqual(['a', 'b']);
    });

    it('reports nothing pending on an empty queue', async () => {
      const queue = await createQueue(storage(), 'q');
      expect(await receive(storage(), queue, T0)).toEqual({ messages: [], nextVisibleAt: null, redrivenTo: [], inFlightLimitReached: false });
      expect(await storage().nextVisibleAt(queue.id, T0)).toBeNull();
    });

    it('counts visible, in-flight and delayed messages', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'a', 'b', 'c');
      await storage().sendMessages(queue.id, [message('d', T0, { delayMs: MINUTE })], T0);
      await receive(storage(), queue, T0, { max: 1, visibilityMs: 10 * SECOND });
      // then
      await expectStats(storage(), queue, T0, { visible: 2, inFlight: 1, delayed: 1 });
      await expectStats(storage(), queue, T0 + 10 * SECOND, { visible: 3, delayed: 1 });
      await expectStats(storage(), queue, T0 + MINUTE, { visible: 4 });
    });

    it('expires messages after the retention period', async () => {
      // given
      const queue = await createQueue(storage(), 'q', { retentionMs: MINUTE });
      await send(storage(), queue.id, T0, 'old');
      await send(storage(), queue.id, T0 + 30 * SECOND, 'new');
      // then: expired messages are neither delivered nor counted, even before maintenance
      await expectStats(storage(), queue, T0 + MINUTE, { visible: 1 });
      expect(bodies(await receive(storage(), queue, T0 + MINUTE))).toEqual(['new']);
      // and maintenance removes them
      expect(await storage().maintenance(T0 + 2 * MINUTE)).toEqual({ expiredMessages: 2, expiredDeduplications: 0, unblockedQueues: [] });
      await expectStats(storage(), queue, T0, {});
    });

    it('applies a shortened retention to messages already queued', async () => {
      // given
      const queue = await createQueue(storage(), 'q', { retentionMs: 10 * MINUTE });
      await send(storage(), queue.id, T0, 'old');
      await send(storage(), queue.id, T0 + 2 * MINUTE, 'new');
      // when
      await storage().editQueue(queue.id, () => ({ attributes: {}, retentionMs: 2 * MINUTE, deadLetterTargetArn: null, retroactiveDelayMs: null }), T0 + 3 * MINUTE);
      // then
      await expectStats(storage(), queue, T0 + 3 * MINUTE, { visible: 1 });
      expect(bodies(await receive(storage(), queue, T0 + 3 * MINUTE))).toEqual(['new']);
      await expectStats(storage(), queue, T0 + 4 * MINUTE, {});
    });

    it('a lengthened retention keeps messages longer', async () => {
      const queue = await createQueue(storage(), 'q', { retentionMs: MINUTE });
      await send(storage(), queue.id, T0, 'a');
      await storage().editQueue(queue.id, () => ({ attributes: {}, retentionMs: 10 * MINUTE, deadLetterTargetArn: null, retroactiveDelayMs: null }), T0);
      expect(bodies(await receive(storage(), queue, T0 + 5 * MINUTE))).toEqual(['a']);
    });

    it('settles concurrent sends of the same tick together', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      // when
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => send(storage(), queue.id, T0, `m${i}`)));
      // then
      expect(results.flat().every((r) => r.outcome === 'sent')).toBe(true);
      await expectStats(storage(), queue, T0, { visible: 20 });
    });

    it('rejects only the failing call of a group of concurrent calls', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      // when
      const [good, bad, alsoGood] = await Promise.allSettled([
        send(storage(), queue.id, T0, 'a'),
        send(storage(), 987_654, T0, 'nowhere'),
        send(storage(), queue.id, T0, 'b'),
      ]);
      // then
      expect(good.status).toBe('fulfilled');
      expect(bad.status).toBe('rejected');
      expect(alsoGood.status).toBe('fulfilled');
      await expectStats(storage(), queue, T0, { visible: 2 });
    });
  });
}
