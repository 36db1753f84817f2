import { describe, expect, it } from 'vitest';
import {
  type MakeStorage,
  MINUTE,
  SECOND,
  T0,
  createQueue,
  expectStats,
  receive,
  refOf,
  send,
  useStorage,
} from './fixtures.js';

// peekMessages is the console's read: it must return what is stored and change nothing at all.
export function peekContract(make: MakeStorage): void {
  describe('peek', () => {
    const storage = useStorage(make);

    it('returns visible, in-flight and delayed messages in seq order with what was stored', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      const other = await createQueue(storage(), 'other');
      await send(storage(), other.id, T0, 'elsewhere');
      const sent = await send(storage(), queue.id, T0, 'one', 'two', ['later', { delayMs: MINUTE }]);
      await receive(storage(), queue, T0 + SECOND, { max: 1, visibilityMs: 30 * SECOND });
      // when
      const peeked = await storage().peekMessages(queue.id, { limit: 10, afterSeq: 0, now: T0 + 2 * SECOND });
      // then
      expect(peeked.map((m) => m.body)).toEqual(['one', 'two', 'later']);
      expect(peeked[0]).toEqual({
        seq: sent[0]!.seq,
        messageId: sent[0]!.messageId,
        body: 'one',
        md5OfBody: 'md5-one',
        attributes: { Color: { DataType: 'String', StringValue: 'color-of-one' } },
        systemAttributes: {},
        senderId: 'AKIDEXAMPLE',
        sentAt: T0,
        groupId: null,
        deduplicationId: null,
        receiveCount: 1,
        firstReceivedAt: T0 + SECOND,
        visibleAt: T0 + 31 * SECOND,
      });
      expect(peeked[2]).toMatchObject({ receiveCount: 0, visibleAt: T0 + MINUTE });
      expect(peeked[0]).not.toHaveProperty('receiptToken');
    });

    it('pages by seq with limit and afterSeq', async () => {
      // given
      const queue = await createQueue(storage(), 'q');
      const sent = await send(storage(), queue.id, T0, 'a', 'b', 'c');
      // when
      const first = await storage().peekMessages(queue.id, { limit: 2, afterSeq: 0, now: T0 });
      const rest = await storage().peekMessages(queue.id, { limit: 2, afterSeq: first[1]!.seq, now: T0 });
      // then
      expect(first.map((m) => m.body)).toEqual(['a', 'b']);
      expect(rest.map((m) => m.seq)).toEqual([sent[2]!.seq]);
    });

    it('pages in enqueue order, oldest first, across messages sent at different times', async () => {
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0 + 2 * SECOND, 'later');
      await send(storage(), queue.id, T0 + 3 * SECOND, 'latest');
      const pages: string[][] = [];
      let afterSeq = 0;
      for (;;) {
        const page = await storage().peekMessages(queue.id, { limit: 1, afterSeq, now: T0 + 4 * SECOND });
        if (page.length === 0) break;
        pages.push(page.map((m) => m.body));
        afterSeq = page.at(-1)!.seq;
      }
      expect(pages).toEqual([['later'], ['latest']]);
    });

    it('reads one message by seq, and nothing of another queue', async () => {
      const queue = await createQueue(storage(), 'q');
      const other = await createQueue(storage(), 'other');
      const [sent] = await send(storage(), queue.id, T0, 'one');
      expect(await storage().peekMessage(queue.id, sent!.seq, T0)).toMatchObject({ body: 'one', receiveCount: 0 });
      expect(await storage().peekMessage(other.id, sent!.seq, T0)).toBeUndefined();
      expect(await storage().peekMessage(queue.id, sent!.seq + 1000, T0)).toBeUndefined();
    });

    it('leaves out expired messages', async () => {
      const queue = await createQueue(storage(), 'q', { retentionMs: MINUTE });
      await send(storage(), queue.id, T0, 'old');
      expect(await storage().peekMessages(queue.id, { limit: 10, afterSeq: 0, now: T0 + MINUTE })).toEqual([]);
    });

    it('changes no visibility, receive count or receipt handle', async () => {
      // given: one message in flight, one visible
      const queue = await createQueue(storage(), 'q');
      await send(storage(), queue.id, T0, 'held', 'free');
      const [held] = (await receive(storage(), queue, T0, { max: 1, visibilityMs: 30 * SECOND })).messages;
      // when
      for (let i = 0; i < 3; i++) await storage().peekMessages(queue.id, { limit: 10, afterSeq: 0, now: T0 + SECOND });
      // then: counts as before, the next receive is the first of 'free', and the old handle still deletes
      await expectStats(storage(), queue, T0 + SECOND, { visible: 1, inFlight: 1 });
      const [free] = (await receive(storage(), queue, T0 + SECOND)).messages;
      expect(free).toMatchObject({ body: 'free', receiveCount: 1 });
      expect(await storage().deleteMessages(queue.id, [{ ref: refOf(queue, held!), allowStale: false }], T0 + 2 * SECOND)).toEqual(['ok']);
    });
  });
}
