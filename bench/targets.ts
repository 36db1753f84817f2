import type { Cli } from './cli.js';
import { ALL_FEATURES, type BenchContext, type Feature, WITHOUT_METRICS } from './context.js';
import { startFauxqs, startStrawman } from './peers.js';
import { startPostgresTargets } from './postgres.js';
import { startServer } from './server.js';

// The servers of a side-by-side run: Wharf (started by the bench, one per durability mode, or an
// --endpoint), the references it can start, and any --target NAME=URL.

export interface Target {
  name: string;
  endpoint: string;
  /** Known when the bench started the server; RSS and server CPU need it. */
  pid?: number;
  describe: string;
  features: ReadonlySet<Feature>;
  /** Error lines and crash report, for a Wharf the bench started. */
  problems: () => string[];
  stop(): Promise<void>;
}

const STRAWMAN_FEATURES: ReadonlySet<Feature> = new Set(['over-1mib']);
// fauxqs speaks JSON only for SQS (form posts go to its SNS handler), and caps messages at 1 MiB like SQS.
const FAUXQS_FEATURES: ReadonlySet<Feature> = new Set(['fifo', 'queue-attributes', 'list-queues']);

/** Starts every target; one that cannot start is reported and left out, the others still run. */
export async function startTargets(cli: Cli, progress: (line: string) => void): Promise<Target[]> {
  const targets: Target[] = [];
  const attempt = async (name: string, start: () => Promise<Target>) => {
    progress(`bench: starting ${name}`);
    try {
      targets.push(await start());
    } catch (error) {
      progress(`bench: could not start ${name}, left out: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if (cli.endpoint !== undefined) {
    targets.push(external('wharf', cli.endpoint, ALL_FEATURES));
  } else {
    for (const durability of cli.wharfDurabilities) {
      const name = cli.wharfDurabilities.length > 1 ? `wharf-${durability}` : 'wharf';
      await attempt(name, async () => {
        const server = await startServer({ durability, logLevel: cli['server-log-level'], build: targets.length === 0 });
        const problems = () => [
          ...(server.crash === undefined ? [] : [`crashed: ${server.crash}`]),
          ...server.errorLines.slice(0, 3).map((line) => `logged: ${line}`),
        ];
        return { name, endpoint: server.endpoint, pid: server.pid, describe: `dist/main.js --durability ${durability}`, features: ALL_FEATURES, problems, stop: () => server.stop() };
      });
    }
    if (cli['wharf-metrics-off']) {
      // The same Wharf as the first one without GET /metrics, to show what keeping the metrics costs.
      const durability = cli.wharfDurabilities[0]!;
      await attempt('wharf-metrics-off', async () => {
        const server = await startServer({ durability, logLevel: cli['server-log-level'], build: targets.length === 0, metrics: false });
        const problems = () => (server.crash === undefined ? [] : [`crashed: ${server.crash}`]);
        const describe = `dist/main.js --durability ${durability} --metrics off`;
        return { name: 'wharf-metrics-off', endpoint: server.endpoint, pid: server.pid, describe, features: WITHOUT_METRICS, problems, stop: () => server.stop() };
      });
    }
  }
  if (cli['with-strawman']) {
    await attempt('strawman', async () => {
      const peer = await startStrawman();
      return { name: 'strawman', endpoint: peer.endpoint, pid: peer.pid, describe: peer.command, features: STRAWMAN_FEATURES, problems: () => [], stop: peer.stop };
    });
  }
  if (cli['with-fauxqs']) {
    await attempt('fauxqs', async () => {
      const peer = await startFauxqs();
      return { name: 'fauxqs', endpoint: peer.endpoint, ...(peer.pid === undefined ? {} : { pid: peer.pid }), describe: `${peer.command} (in memory)`, features: FAUXQS_FEATURES, problems: () => [], stop: peer.stop };
    });
  }
  if (cli['with-postgres']) {
    progress('bench: starting wharf-pg and wharf-pg×2');
    try {
      targets.push(...(await startPostgresTargets(progress)));
    } catch (error) {
      progress(`bench: could not start the PostgreSQL targets, left out: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const { name, url } of cli.targets) targets.push(external(name, url, ALL_FEATURES));
  const names = targets.map((t) => t.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    await Promise.all(targets.map((t) => t.stop()));
    throw new Error(`two targets are named ${duplicate}`);
  }
  return targets;
}

function external(name: string, endpoint: string, features: ReadonlySet<Feature>): Target {
  return { name, endpoint, describe: `external at ${endpoint}`, features, problems: () => [], stop: async () => {} };
}

/** The scenario context for one server; `round` (side by side) keeps queue names unique across rounds. */
export function contextFor(
  cli: Cli,
  target: Pick<Target, 'endpoint' | 'pid' | 'features'>,
  round: number | undefined,
  progress: (line: string) => void,
): BenchContext {
  return {
    endpoint: target.endpoint,
    queuePrefix: `bench-${Date.now().toString(36)}${round === undefined ? '' : `-r${round}`}`,
    quick: cli.quick,
    durationMs: cli.durationMs,
    warmupMs: cli.warmupMs,
    prefill: cli.prefill,
    ...(target.pid === undefined ? {} : { serverPid: target.pid }),
    bigIdle: cli['big-idle'],
    features: target.features,
    shallowDepth: 1_000,
    deepDepth: cli.deepDepth,
    queueCount: cli.queueCount,
    latencyRateHz: cli.latencyRateHz,
    progress,
  };
}
