import { parseArgs } from 'node:util';
import { MAX_SCENARIO_ID } from './registry.js';

export const USAGE = `Usage: npm run bench -- [options]

Starts Wharf from dist/ (building it first if src/ is newer) on a temporary data directory, runs the
scenarios at 1 and 16 requests in flight, prints a table and stops the server.

  --quick               short runs, to check that the bench works (skips the deep queue)
  --endpoint URL        use a running server instead (memory readings are then skipped)
  --durability MODE     full|relaxed, passed to the server it starts [full]
  --only LIST           scenario numbers to run, e.g. 1,3,6 [1-7; side by side 1-6,8-11]
  --duration SECONDS    measured time per timed run [5; quick 0.3]
  --warmup SECONDS      discarded warm-up before each run [1; quick 0.1]
  --prefill N           messages pre-filled for scenario 2 [40000; quick 1500]
  --depth N             messages in scenario 9's deep queue, beside a 1,000-deep one; 0 skips it
                        [1000000; quick 0]
  --queues N            queues created by scenario 10 [10000; quick 500]
  --latency-rate N      sends per second in scenario 3; 0 = back to back [0; side by side 100]
  --big-idle            scenario 7 also queues 2 GiB of 8 MiB messages and idles 5 s (writes ~2 GB)
  --server-log-level L  --log-level of the server it starts: info, debug or trace, since the bench
                        reads the "wharf listening" info line [info]
  --json FILE           also write the results as JSON
  --help

Side by side (any of the next five options): the same scenarios against every target, in interleaved
rounds (round 1: each target in turn, round 2: again, in rotated order), then one table of medians
and of each target's ratio to the reference. Scenarios a target cannot serve show "n/a" for it.
  --wharf-durability LIST  Wharf servers to start, e.g. full,relaxed (named wharf-full and
                        wharf-relaxed; one is named wharf) [full]
  --with-strawman       start ../shared/perf/strawman-broker.mjs (sqlite, sync FULL, group commit,
                        split schema) on a free port: the minimal durable broker
  --wharf-metrics-off   also start the first Wharf again with --metrics off (named wharf-metrics-off),
                        to show what the metrics cost the hot path
  --with-fauxqs         start fauxqs (in memory) on a free port, from node_modules if installed
                        (npm i --no-save fauxqs), else with npx
  --with-postgres       also start a throwaway PostgreSQL cluster (durable settings) and measure Wharf on
                        it: wharf-pg (one node) and wharf-pg×2 (two nodes on one database, requests
                        alternating between them)
  --target NAME=URL     also measure a running SQS-compatible server; repeatable
  --rounds N            rounds [3; quick 1]; scenarios 6 (over 1 MiB), 9, 10 and 11 run in round 1 only
  --reference NAME      target the ratios divide by [strawman when started, else the first]

Scenarios: 1 SendMessage 100 B (at 1 in flight: one producer sending one at a time, like Celery's);
2 ReceiveMessage(10)+DeleteMessageBatch on a pre-filled queue; 3 send→receive latency through parked
long polls; 4 SendMessageBatch of 10; 5 FIFO send, then receive+delete, 16 groups; 6 send and
receive+delete of 1 MiB, 1.7 MB and 8 MiB messages; 7 server RSS while 16 clients send 8 MiB messages;
8 send, then receive+delete of 10 KiB and 1 MiB messages; 9 depth: send, receive+delete, GetQueueAttributes
and another queue's sends beside a GetQueueAttributes poller, on a 1,000-deep and a deep queue, with
server RSS; 10 ListQueues, GetQueueUrl and a GET /metrics scrape among
many queues; 11 a normal sender's latency alone and
beside hostile Query requests (4,000 batch entries; 3,000 message attributes); 12 PurgeQueue of the deep
queue (--depth) and the latency of back-to-back ListQueues meanwhile (run with --only 12).
`;

export class UsageError extends Error {}

export type Cli = ReturnType<typeof readCli>;

export function parseCli(): Cli {
  try {
    return readCli();
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see --help)`);
  }
}

function readCli() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      durability: { type: 'string', default: 'full' },
      only: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      prefill: { type: 'string' },
      depth: { type: 'string' },
      queues: { type: 'string' },
      'latency-rate': { type: 'string' },
      'big-idle': { type: 'boolean', default: false },
      'server-log-level': { type: 'string', default: 'info' },
      json: { type: 'string' },
      'wharf-durability': { type: 'string' },
      'with-strawman': { type: 'boolean', default: false },
      'with-fauxqs': { type: 'boolean', default: false },
      'with-postgres': { type: 'boolean', default: false },
      'wharf-metrics-off': { type: 'boolean', default: false },
      target: { type: 'string', multiple: true, default: [] },
      rounds: { type: 'string' },
      reference: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const durabilities = (values['wharf-durability'] ?? values.durability).split(',').map((d) => d.trim());
  if (durabilities.some((d) => d !== 'full' && d !== 'relaxed')) throw new Error('--durability and --wharf-durability take full or relaxed');
  if (!['info', 'debug', 'trace'].includes(values['server-log-level'])) {
    throw new Error('--server-log-level must be info, debug or trace: the bench waits for the "wharf listening" info line');
  }
  const compare =
    values['wharf-durability'] !== undefined || values['with-strawman'] || values['with-fauxqs'] || values['with-postgres'] ||
    values['wharf-metrics-off'] ||
    values.target.length > 0;
  if (compare && values.endpoint !== undefined && values['wharf-durability'] !== undefined) {
    throw new Error('--endpoint replaces the Wharf the bench starts, so it cannot be combined with --wharf-durability');
  }
  const number = (text: string | undefined, fallback: number, flag: string) => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} must be a non-negative number`);
    return value;
  };
  const quick = values.quick;
  return {
    ...values,
    compare,
    durability: durabilities[0] as 'full' | 'relaxed',
    wharfDurabilities: [...new Set(durabilities)] as ('full' | 'relaxed')[],
    targets: values.target.map(parseTarget),
    only: scenarioIds(values.only ?? (compare ? '1,2,3,4,5,6,8,9,10,11' : '1,2,3,4,5,6,7')),
    durationMs: 1000 * number(values.duration, quick ? 0.3 : 5, '--duration'),
    warmupMs: 1000 * number(values.warmup, quick ? 0.1 : 1, '--warmup'),
    prefill: Math.round(number(values.prefill, quick ? 1_500 : 40_000, '--prefill')),
    deepDepth: Math.round(number(values.depth, quick ? 0 : 1_000_000, '--depth')),
    queueCount: Math.max(1, Math.round(number(values.queues, quick ? 500 : 10_000, '--queues'))),
    latencyRateHz: number(values['latency-rate'], compare ? 100 : 0, '--latency-rate'),
    rounds: Math.max(1, Math.round(number(values.rounds, quick ? 1 : 3, '--rounds'))),
  };
}

function parseTarget(text: string): { name: string; url: string } {
  const match = /^([A-Za-z0-9._-]+)=(https?:\/\/.+)$/.exec(text);
  if (!match) throw new Error(`--target takes NAME=URL, e.g. elasticmq=http://127.0.0.1:9324, not "${text}"`);
  return { name: match[1]!, url: match[2]! };
}

function scenarioIds(list: string): Set<number> {
  const ids = list.split(',').map((id) => Number(id.trim()));
  if (ids.some((id) => !Number.isInteger(id) || id < 1 || id > MAX_SCENARIO_ID)) {
    throw new Error(`--only takes scenario numbers 1 to ${MAX_SCENARIO_ID}`);
  }
  return new Set(ids);
}
