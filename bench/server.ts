import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'main.js');
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

export interface ServerOptions {
  durability: 'full' | 'relaxed';
  /** --store: a postgres:// URL (PostgreSQL targets); the SQLite file in a temp dir otherwise. */
  store?: string;
  logLevel: string;
  build: boolean;
  /** Serve GET /metrics (the default) or start with --metrics off. */
  metrics?: boolean;
}

export interface BenchServer {
  endpoint: string;
  pid: number;
  /** Lines the server logged at error or fatal level (pino levels 50, 60): a sign of a server bug. */
  errorLines: string[];
  /** Set when the server exited before stop() was called: how it ended and the tail of its stderr. */
  crash?: string;
  stop(): Promise<void>;
}

/** Rebuilds dist/ when it is missing or older than any file under src/. */
export function ensureBuilt(): void {
  if (existsSync(ENTRY) && newestMtimeMs(join(ROOT, 'src')) <= statSync(ENTRY).mtimeMs) return;
  process.stderr.write('bench: building dist/ (tsc -p tsconfig.build.json)\n');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`build failed (tsc exit ${result.status}); fix src/ or use --endpoint`);
}

function newestMtimeMs(dir: string): number {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return Math.max(0, ...files.map((file) => statSync(join(dir, file)).mtimeMs));
}

export async function startServer(options: ServerOptions): Promise<BenchServer> {
  if (options.build) ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-'));
  const args = [ENTRY, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', options.logLevel];
  args.push('--max-message-size', '8MiB', '--durability', options.durability);
  if (options.store !== undefined) args.push('--store', options.store, '--pg-pool-size', '16');
  if (options.metrics === false) args.push('--metrics', 'off');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  // Backstop: never leave a server behind, even when the bench dies on an exception.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const errorLines: string[] = [];
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => keepTail(stderrTail, line));
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= stopChild(child).finally(() => {
      process.off('exit', killOnExit);
      rmSync(dataDir, { recursive: true, force: true });
    });
    return stopped;
  };
  try {
    const endpoint = await waitForListening(child, errorLines, stderrTail);
    const server: BenchServer = { endpoint, pid: child.pid!, errorLines, stop };
    child.once('exit', (code, signal) => {
      if (!stopped) server.crash = `exited with ${code ?? signal}\n${stderrTail.join('\n')}`;
    });
    return server;
  } catch (error) {
    await stop();
    throw error;
  }
}

// The server logs every request at info level; stdout must be drained for its whole life or the pipe
// fills and the server blocks on a write.
function waitForListening(child: ChildProcess, errorLines: string[], stderrTail: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not log "wharf listening" within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${stderrTail.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"level":50') || line.includes('"level":60')) keepTail(errorLines, line);
      if (!line.includes('"msg":"wharf listening"')) return;
      const address = (JSON.parse(line) as { address?: string }).address;
      clearTimeout(timer);
      if (address) resolve(address);
      else reject(new Error(`listening line without an address: ${line}`));
    });
  });
}

function keepTail(lines: string[], line: string): void {
  lines.push(line.length > 2_000 ? `${line.slice(0, 2_000)}…` : line);
  if (lines.length > 50) lines.shift();
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

export interface RssReading {
  rssMiB: number;
  hwmMiB: number;
}

/** VmRSS and VmHWM (peak RSS) from /proc/<pid>/status, in MiB. Linux only. */
export function readRss(pid: number): RssReading {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

/**
 * Writing 5 to clear_refs resets VmHWM to the current RSS (proc(5), Linux ≥ 4.0), so a scenario's peak is
 * not the peak of everything that ran before it. Returns false where that is not allowed.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * User + system CPU time of a process, in ms, from /proc/<pid>/stat fields 14 and 15. Those count clock
 * ticks of USER_HZ, which is 100 on every mainstream Linux architecture (proc(5), times(2)).
 */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces, so count fields from the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Jiffies the whole machine spent idle (idle + iowait) and in all, from the first line of /proc/stat. */
export function readMachineJiffies(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3]! + fields[4]!, total: fields.reduce((sum, value) => sum + value, 0) };
}

/** How busy all cores were between two readings, in % of the whole machine. */
export function machineBusyPercent(before: { idle: number; total: number }, after: { idle: number; total: number }): number {
  const total = after.total - before.total;
  return total <= 0 ? 0 : Math.round(100 * (1 - (after.idle - before.idle) / total));
}
