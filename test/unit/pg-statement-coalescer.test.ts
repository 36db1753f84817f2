import { describe, expect, it } from 'vitest';
import { isPlainSend } from '../../src/storage/postgres/fast-paths.js';
import { StatementCoalescer } from '../../src/storage/postgres/statement-coalescer.js';
import type { MessageToSend } from '../../src/storage/storage.js';

// The batching rules of PostgreSQL's statement coalescer, with a statement runner the test completes by
// hand. That a coalesced statement stores and claims what each request asked is the storage contract's job
// (test/storage/contract/messages.ts, concurrent sends and receives, run on both backends).

/** A request: its ids, and how many bytes it weighs. */
interface Ask {
  ids: string[];
  bytes: number;
}

const ask = (...ids: string[]): Ask => ({ ids, bytes: 1 });

/** A runner whose statements stay open until the test settles them; a result is the request's ids joined. */
function manualRunner() {
  const statements: Array<{ queueId: number; asks: string[][]; settle: (ok: boolean, failure?: string) => Promise<void> }> = [];
  const run = (queueId: number, requests: Ask[]) =>
    new Promise<string[]>((resolve, reject) => {
      statements.push({
        queueId,
        asks: requests.map((r) => r.ids),
        settle: async (ok, failure = 'statement failed') => {
          if (ok) resolve(requests.map((r) => r.ids.join('+')));
          else reject(new Error(failure));
          await new Promise((r) => setImmediate(r));
        },
      });
    });
  const coalescer = new StatementCoalescer<Ask, string>(run, {
    sizeOf: (r) => ({ bytes: r.bytes, items: r.ids.length }),
    limits: { maxBytes: 4, maxItems: 5 },
    // The runner's failures are "known to have changed nothing" unless they say otherwise.
    runAloneAfter: (error) => !(error instanceof Error && error.message === 'outcome unknown'),
  });
  return { statements, coalescer };
}

function message(id: string): MessageToSend {
  return {
    message: { messageId: id, body: 'x', md5OfBody: '', attributes: {}, systemAttributes: {}, senderId: 's', visibleAt: 0, groupId: null, deduplicationId: null },
    deduplication: null,
  };
}

describe('PostgreSQL statement coalescer', () => {
  it('runs a lone request at once, and requests that arrive meanwhile together in the next statement', async () => {
    const { statements, coalescer } = manualRunner();
    const first = coalescer.submit(7, ask('a'));
    expect(statements.map((s) => s.asks)).toEqual([[['a']]]);
    const second = coalescer.submit(7, ask('b', 'c'));
    const third = coalescer.submit(7, ask('d'));
    expect(statements).toHaveLength(1);

    await statements[0]!.settle(true);
    expect(await first).toBe('a');
    expect(statements.map((s) => s.asks)).toEqual([[['a']], [['b', 'c'], ['d']]]);

    await statements[1]!.settle(true);
    expect(await second).toBe('b+c');
    expect(await third).toBe('d');
  });

  it('keeps queues apart: another queue does not wait', () => {
    const { statements, coalescer } = manualRunner();
    void coalescer.submit(1, ask('a'));
    void coalescer.submit(2, ask('b'));
    expect(statements.map((s) => [s.queueId, s.asks])).toEqual([[1, [['a']]], [2, [['b']]]]);
  });

  it('runs each request of a failed shared statement again alone, in arrival order, so a failure stays its own', async () => {
    const { statements, coalescer } = manualRunner();
    const first = coalescer.submit(1, ask('a'));
    const second = coalescer.submit(1, ask('b'));
    const third = expect(coalescer.submit(1, ask('c'))).rejects.toThrow('statement failed');
    const fourth = coalescer.submit(1, ask('d'));
    await statements[0]!.settle(true);
    await statements[1]!.settle(false); // b + c + d together
    expect(statements.map((s) => s.asks).slice(2)).toEqual([[['b']]]);
    await statements[2]!.settle(true);
    await statements[3]!.settle(false); // c alone
    await statements[4]!.settle(true);
    expect(statements.map((s) => s.asks)).toEqual([[['a']], [['b'], ['c'], ['d']], [['b']], [['c']], [['d']]]);
    expect([await first, await second, await fourth]).toEqual(['a', 'b', 'd']);
    await third;
    // and the queue goes on
    const next = coalescer.submit(1, ask('e'));
    await statements[5]!.settle(true);
    expect(await next).toBe('e');
  });

  it('fails every request of a statement whose outcome is unknown, without running them again', async () => {
    const { statements, coalescer } = manualRunner();
    void coalescer.submit(1, ask('a'));
    const together = [coalescer.submit(1, ask('b')), coalescer.submit(1, ask('c'))].map((p) => expect(p).rejects.toThrow('outcome unknown'));
    await statements[0]!.settle(true);
    await statements[1]!.settle(false, 'outcome unknown');
    await Promise.all(together);
    expect(statements).toHaveLength(2);
  });

  it('splits waiting requests at the statement bounds, and always takes at least one', async () => {
    const { statements, coalescer } = manualRunner();
    void coalescer.submit(1, ask('a'));
    void coalescer.submit(1, { ids: ['b'], bytes: 3 });
    void coalescer.submit(1, { ids: ['c'], bytes: 3 }); // b + c weigh 6 bytes, over 4
    void coalescer.submit(1, { ids: ['d'], bytes: 9 }); // over the bound on its own
    void coalescer.submit(1, ask('e', 'f', 'g'));
    void coalescer.submit(1, ask('h', 'i', 'j')); // e–j are 6 items, over 5
    for (let i = 0; i < 5; i += 1) await statements[i]!.settle(true);
    expect(statements.map((s) => s.asks)).toEqual([[['a']], [['b']], [['c']], [['d']], [['e', 'f', 'g']], [['h', 'i', 'j']]]);
  });

  it('takes only messages without a group or deduplication', () => {
    expect(isPlainSend([message('a'), message('b')])).toBe(true);
    const grouped = message('g');
    grouped.message.groupId = 'g1';
    expect(isPlainSend([message('a'), grouped])).toBe(false);
  });
});
