import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqsClient } from './client.js';
import { ROOT } from './server.js';

// The reference servers a side-by-side run can start itself: the minimal broker from shared/perf (the
// ceiling for a durable fastify + better-sqlite3 broker) and fauxqs (an in-memory SQS emulator).

const START_TIMEOUT_MS = 180_000; // fauxqs may first be fetched by npx
const STOP_GRACE_MS = 5_000;
export const STRAWMAN_SCRIPT = join(ROOT, '..', 'shared', 'perf', 'strawman-broker.mjs');
/** Same fsync and group commit as Wharf's durable default, bodies in their own table (perf/README.md). */
export const STRAWMAN_ARGS = ['--store', 'sqlite', '--sync', 'FULL', '--group-commit', '--schema', 'split'];
// fauxqs 2.x needs Node ≥ 22.5 (node:sqlite); 1.9 is the last release that runs on Node 20.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
export const FAUXQS_SPEC = major > 22 || (major === 22 && minor >= 5) ? 'fauxqs' : 'fauxqs@1.9.2';

export interface Peer {
  endpoint: string;
  /** The server's own process, whose memory and CPU the bench reads; absent when npx stands between. */
  pid?: number;
  command: string;
  stop(): Promise<void>;
}

/** `node ../shared/perf/strawman-broker.mjs --port 0 ...`, run from the checkout root; it prints `READY <pid> <url>`. */
export async function startStrawman(): Promise<Peer> {
  if (!existsSync(STRAWMAN_SCRIPT)) throw new Error(`${STRAWMAN_SCRIPT} not found`);
  const args = [STRAWMAN_SCRIPT, '--port', '0', ...STRAWMAN_ARGS];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const stop = guard(child);
  try {
    const ready = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('strawman printed no READY line')), START_TIMEOUT_MS);
      child.once('exit', (code) => reject(new Error(`strawman exited (${code}) before READY`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith('READY ')) return;
        clearTimeout(timer);
        resolve(line);
      });
    });
    const [, pid, endpoint] = ready.split(' ');
    return { endpoint: endpoint!, pid: Number(pid), command: `node ../shared/perf/strawman-broker.mjs ${STRAWMAN_ARGS.join(' ')}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * fauxqs with its defaults (as `npx fauxqs` runs it, request logging included, written to /dev/null), on a
 * free port given by FAUXQS_PORT. A copy in node_modules (`npm i --no-save fauxqs`) is used when there is one.
 */
export async function startFauxqs(): Promise<Peer> {
  const port = await freePort();
  const local = join(ROOT, 'node_modules', 'fauxqs', 'dist', 'cli.js');
  const [command, args] = existsSync(local) ? [process.execPath, [local]] : ['npx', ['--yes', FAUXQS_SPEC]];
  const env = { ...process.env, FAUXQS_PORT: String(port), FAUXQS_HOST: '127.0.0.1' };
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line) > 20 && stderr.shift());
  const stop = guard(child);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, child, () => stderr.join('\n'));
    const shown = existsSync(local) ? 'node_modules/fauxqs' : `npx ${FAUXQS_SPEC}`;
    return { endpoint, ...(existsSync(local) ? { pid: child.pid! } : {}), command: shown, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitUntilServing(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const client = new SqsClient(endpoint, 1, 2_000);
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before serving:\n${stderr()}`);
      if (await client.listQueues().then(() => true, () => false)) return;
      await sleep(200);
    }
    throw new Error(`not serving at ${endpoint} within ${START_TIMEOUT_MS / 1000} s:\n${stderr()}`);
  } finally {
    client.close();
  }
}

/**
 * Stops the child's whole process group (npx starts the server as a grandchild), SIGTERM first, and
 * makes sure it is killed when the bench exits on an exception.
 */
function guard(child: ChildProcess): () => Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = () => signalGroup('SIGKILL');
  process.on('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
    })();
    return stopped;
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
