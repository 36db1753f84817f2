import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { percentile, type Measurement } from './drive.js';

export interface MemoryFigures {
  baselineRssMiB: number;
  peakRssMiB: number;
  afterRssMiB: number;
  /** How the peak was found: VmHWM after a clear_refs reset, or the largest VmRSS sample. */
  peakSource: 'VmHWM' | 'sampled VmRSS';
}

export interface ResultRow {
  scenario: string;
  concurrency: number;
  ops?: number;
  messages?: number;
  bytes?: number;
  elapsedS?: number;
  opsPerS?: number;
  msgsPerS?: number;
  /** 10^6 bytes of message body per second. */
  mbPerS?: number;
  p50Ms?: number;
  p99Ms?: number;
  memory?: MemoryFigures;
  /**
   * Server CPU (user + system, all threads) per message moved in the measured phase, in µs; only for
   * servers the bench started (it reads /proc/<pid>/stat). Clock ticks are 10 ms, so runs of a few
   * seconds resolve it to about 1 %.
   */
  serverCpuUsPerMsg?: number;
  /**
   * Which figure a side-by-side table compares: msgs/s (default), p50/p99 latency, server RSS, or server
   * CPU per message (a row the comparison derives from a rate row).
   */
  metric?: 'rate' | 'latency' | 'rss' | 'cpu';
  /** Server VmRSS in MiB, for rows with metric 'rss'. */
  rssMiB?: number;
  /** Set when the server cannot serve this measurement (e.g. no GetQueueAttributes): why. */
  unsupported?: string;
  /**
   * CPU used during the whole scenario run (warm-up and pre-fill included): bench and server in % of one
   * core (a bench near 100 % would mean the client, not the server, sets the pace); machine in % of all
   * cores, every process included (PostgreSQL's, other nodes'): near 100 % the machine, not the server,
   * is the limit.
   */
  cpuPercent?: { bench: number; server?: number; machine?: number };
  note?: string;
  error?: string;
}

export interface RunMeta {
  date: string;
  node: string;
  durability: string;
  mode: 'quick' | 'full';
  server: string;
  cpus: string;
  loadAverage1m: number;
}

export function runMeta(durability: string, quick: boolean, server: string): RunMeta {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    durability,
    mode: quick ? 'quick' : 'full',
    server,
    cpus: `${cpuList.length} × ${cpuList[0]?.model ?? 'unknown'}`,
    loadAverage1m: loadavg()[0] ?? NaN,
  };
}

/** A row whose point is its latency percentiles (the side-by-side table shows p50/p99 for it). */
export function latencyRowFrom(scenario: string, m: Measurement, note?: string): ResultRow {
  return { ...rowFrom(scenario, m, note), metric: 'latency' };
}

export function rssRow(scenario: string, rssMiB: number, note?: string): ResultRow {
  return { scenario, concurrency: 0, metric: 'rss', rssMiB: round(rssMiB, 1), ...(note ? { note } : {}) };
}

export function unsupportedRow(scenario: string, concurrency: number, why: string): ResultRow {
  return { scenario, concurrency, unsupported: why };
}

export function rowFrom(scenario: string, m: Measurement, note?: string): ResultRow {
  const seconds = m.elapsedMs / 1000;
  const notes = [note, m.emptyOps > 0 ? `${m.emptyOps} empty receives, not in latency` : undefined].filter(Boolean);
  return {
    scenario,
    concurrency: m.concurrency,
    ops: m.ops,
    messages: m.messages,
    bytes: m.bytes,
    elapsedS: round(seconds, 2),
    opsPerS: round(m.ops / seconds, 1),
    msgsPerS: round(m.messages / seconds, 1),
    mbPerS: m.bytes > 0 ? round(m.bytes / 1e6 / seconds, 2) : undefined,
    p50Ms: round(percentile(m.latenciesMs, 50), 2),
    p99Ms: round(percentile(m.latenciesMs, 99), 2),
    ...(m.serverCpuMs !== undefined && m.messages > 0 ? { serverCpuUsPerMsg: round((m.serverCpuMs * 1000) / m.messages, 1) } : {}),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

const COLUMNS: { title: string; cell: (row: ResultRow) => string; left?: boolean }[] = [
  { title: 'scenario', cell: (r) => r.scenario, left: true },
  { title: 'in flight', cell: (r) => String(r.concurrency) },
  { title: 'ops', cell: (r) => (r.ops === undefined ? '-' : r.ops.toLocaleString('en-US')) },
  { title: 'ops/s', cell: (r) => fmt(r.opsPerS) },
  { title: 'msgs/s', cell: (r) => fmt(r.msgsPerS) },
  { title: 'MB/s', cell: (r) => fmt(r.mbPerS) },
  { title: 'p50 ms', cell: (r) => fmt(r.p50Ms) },
  { title: 'p99 ms', cell: (r) => fmt(r.p99Ms) },
  {
    title: 'CPU% bench/server/machine',
    cell: (r) => (r.cpuPercent ? `${r.cpuPercent.bench}/${r.cpuPercent.server ?? '?'}/${r.cpuPercent.machine ?? '?'}` : '-'),
  },
  { title: 'server CPU µs/msg', cell: (r) => fmt(r.serverCpuUsPerMsg) },
  { title: 'notes', cell: notesText, left: true },
];

function fmt(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value >= 10 ? 1 : 2);
}

function notesText(r: ResultRow): string {
  if (r.error) return `ERROR: ${r.error}`;
  if (r.unsupported) return `n/a: ${r.unsupported}`;
  if (r.rssMiB !== undefined) return `server RSS ${Math.round(r.rssMiB)} MiB${r.note ? `; ${r.note}` : ''}`;
  return memoryText(r.memory) ?? r.note ?? '';
}

function memoryText(memory: MemoryFigures | undefined): string | undefined {
  if (!memory) return undefined;
  const mib = (value: number) => `${Math.round(value)} MiB`;
  return `RSS before ${mib(memory.baselineRssMiB)}, peak ${mib(memory.peakRssMiB)} (${memory.peakSource}), after ${mib(memory.afterRssMiB)}`;
}

export function headerText(meta: RunMeta): string {
  return [
    `Wharf bench — ${meta.mode} run, ${meta.date}`,
    `node ${meta.node}, durability ${meta.durability}, server ${meta.server}`,
    `${meta.cpus}, load average ${meta.loadAverage1m.toFixed(2)} at start (bench and server share these cores)`,
    'MB = 10^6 bytes of message body; latency is per request (send→receive for the long-poll scenario)',
  ].join('\n');
}

export function tableText(rows: readonly ResultRow[]): string {
  const cells = rows.map((row) => COLUMNS.map((column) => column.cell(row)));
  const widths = COLUMNS.map((column, i) => Math.max(column.title.length, ...cells.map((line) => line[i]!.length)));
  const render = (line: string[]) =>
    line
      .map((cell, i) => (COLUMNS[i]!.left ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [render(COLUMNS.map((column) => column.title)), rule, ...cells.map(render)].join('\n');
}

export function writeJson(file: string, meta: RunMeta, rows: readonly ResultRow[], serverErrors: string[]): void {
  writeFileSync(file, `${JSON.stringify({ meta, results: rows, serverErrorLines: serverErrors }, null, 2)}\n`);
}
