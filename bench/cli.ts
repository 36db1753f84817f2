import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run bench -- [options]

Starts Wharf from dist/ (building it first if src/ is newer) on a temporary data directory, runs the
scenarios at 1 and 16 requests in flight, prints a table and stops the server.

  --quick               short runs (about 20 s in all), to check that the bench works
  --endpoint URL        use a running server instead (memory readings are then skipped)
  --durability MODE     full|relaxed, passed to the server it starts [full]
  --only LIST           scenario numbers to run, e.g. 1,3,6 [1,2,3,4,5,6,7]
  --duration SECONDS    measured time per small-message run [5; quick 0.3]
  --warmup SECONDS      discarded warm-up before each run [1; quick 0.1]
  --prefill N           messages pre-filled for scenario 2 [40000; quick 1500]
  --big-idle            scenario 7 also queues 2 GiB of 8 MiB messages and idles 5 s (writes ~2 GB)
  --server-log-level L  --log-level of the server it starts: info, debug or trace, since the bench
                        reads the "wharf listening" info line [info]
  --json FILE           also write the results as JSON
  --help

Scenarios: 1 SendMessage 100 B; 2 ReceiveMessage(10)+DeleteMessageBatch on a pre-filled queue;
3 send→receive latency through parked long polls; 4 SendMessageBatch of 10; 5 FIFO send, then
receive+delete, 16 groups; 6 send and receive+delete of 1 MiB, 1.7 MB and 8 MiB messages;
7 server RSS while 16 clients send 8 MiB messages.
`;

export class UsageError extends Error {}

export function parseCli() {
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
      only: { type: 'string', default: '1,2,3,4,5,6,7' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      prefill: { type: 'string' },
      'big-idle': { type: 'boolean', default: false },
      'server-log-level': { type: 'string', default: 'info' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.durability !== 'full' && values.durability !== 'relaxed') throw new Error('--durability must be full or relaxed');
  if (!['info', 'debug', 'trace'].includes(values['server-log-level'])) {
    throw new Error('--server-log-level must be info, debug or trace: the bench waits for the "wharf listening" info line');
  }
  const number = (text: string | undefined, fallback: number, flag: string) => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} must be a non-negative number`);
    return value;
  };
  const quick = values.quick;
  return {
    ...values,
    durability: values.durability as 'full' | 'relaxed',
    only: scenarioIds(values.only),
    durationMs: 1000 * number(values.duration, quick ? 0.3 : 5, '--duration'),
    warmupMs: 1000 * number(values.warmup, quick ? 0.1 : 1, '--warmup'),
    prefill: Math.round(number(values.prefill, quick ? 1_500 : 40_000, '--prefill')),
  };
}


function scenarioIds(list: string): Set<number> {
  const ids = list.split(',').map((id) => Number(id.trim()));
  if (ids.some((id) => !Number.isInteger(id) || id < 1 || id > 7)) throw new Error('--only takes scenario numbers 1 to 7');
  return new Set(ids);
}
