import pg from 'pg';
import { postgresBinDir, startCluster } from '../test/helpers/postgres-cluster.js';
import { ALL_FEATURES } from './context.js';
import { startServer } from './server.js';
import type { Target } from './targets.js';

// --with-postgres: Wharf on PostgreSQL next to Wharf on SQLite. A throwaway cluster (the tests' helper,
// but durable: fsync and synchronous_commit on, as SQLite's --durability full) on this machine, then
//   wharf-pg:    one node on its own database;
//   wharf-pg×2:  two nodes on one database, the bench's clients alternating between them (as a load
//                balancer would, without a proxy's CPU on this shared machine).

export async function startPostgresTargets(progress: (line: string) => void): Promise<Target[]> {
  const binDir = postgresBinDir();
  if (!binDir) throw new Error('PostgreSQL binaries not found (apt-get install postgresql)');
  progress('bench: starting a throwaway PostgreSQL cluster (durable settings)');
  const cluster = await startCluster(binDir, { durable: true });
  const database = async (name: string) => {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const url = new URL(cluster.url);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const targets: Target[] = [];
  try {
    const one = await startServer({ durability: 'full', logLevel: 'info', build: false, store: await database('bench_one') });
    targets.push({
      name: 'wharf-pg', endpoint: one.endpoint, pid: one.pid, describe: 'dist/main.js --store postgres://… (1 node)',
      features: ALL_FEATURES, problems: () => one.errorLines.slice(0, 3), stop: () => one.stop(),
    });
    const shared = await database('bench_two');
    const a = await startServer({ durability: 'full', logLevel: 'info', build: false, store: shared });
    const b = await startServer({ durability: 'full', logLevel: 'info', build: false, store: shared });
    let stopped = false;
    targets.push({
      name: 'wharf-pg×2', endpoint: `${a.endpoint},${b.endpoint}`, pid: a.pid,
      describe: 'two dist/main.js --store postgres://… on one database (RSS: the first node)',
      features: ALL_FEATURES, problems: () => [...a.errorLines, ...b.errorLines].slice(0, 3),
      stop: async () => {
        await Promise.all([a.stop(), b.stop()]);
        // The last PostgreSQL target to stop takes the cluster with it.
        if (!stopped) cluster.stop();
        stopped = true;
      },
    });
    return targets;
  } catch (error) {
    await Promise.all(targets.map((t) => t.stop()));
    cluster.stop();
    throw error;
  }
}
