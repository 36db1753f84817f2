import type { ResultRow } from './report.js';

// Side-by-side results: per-round rows from every target, reduced to medians and ratios to a reference
// target, and rendered as one table. Pure logic, unit-tested in test/unit/bench-compare-table.test.ts.

type Metric = NonNullable<ResultRow['metric']>;

interface RowInfo {
  scenario: string;
  concurrency: number;
  metric: Metric;
  caseId: string;
}

export interface Figures {
  /** msgs/s, p50 ms or RSS MiB, depending on the metric: the figure ratios are taken of. */
  value: number;
  p99?: number;
  rounds: number;
}

export type Cell = { kind: 'figures'; figures: Figures } | { kind: 'n/a'; why: string } | { kind: 'error'; message: string } | { kind: 'missing' };

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * target ÷ reference, of msgs/s, p50, RSS or CPU alike: above 1 is faster for a rate, slower for a
 * latency, more memory for RSS, more CPU per message (the table's legend says so).
 */
export function ratio(target: number, reference: number): number {
  if (!Number.isFinite(target) || !Number.isFinite(reference) || reference === 0) return NaN;
  return target / reference;
}

export class Comparison {
  private readonly rows = new Map<string, RowInfo>();
  private readonly samples = new Map<string, ResultRow[]>();
  private readonly caseOutcome = new Map<string, Cell>();

  constructor(
    readonly targets: readonly string[],
    readonly reference: string,
  ) {}

  /** Records the rows one target produced for one scenario case in one round. */
  add(caseId: string, target: string, rows: readonly ResultRow[]): void {
    for (const row of rows.flatMap(withCpuRow)) {
      const key = rowKey(row);
      if (!this.rows.has(key)) this.rows.set(key, { scenario: row.scenario, concurrency: row.concurrency, metric: row.metric ?? 'rate', caseId });
      const cellKey = `${key}\u0000${target}`;
      this.samples.set(cellKey, [...(this.samples.get(cellKey) ?? []), row]);
    }
  }

  /** The whole case could not run on this target: every row of the case shows this cell for it. */
  markCase(caseId: string, target: string, cell: Cell): void {
    this.caseOutcome.set(`${caseId}\u0000${target}`, cell);
  }

  cell(key: string, target: string): Cell {
    const info = this.rows.get(key)!;
    const rows = this.samples.get(`${key}\u0000${target}`) ?? [];
    const measured = rows.filter((row) => row.error === undefined && row.unsupported === undefined);
    if (measured.length > 0) return { kind: 'figures', figures: figuresOf(info.metric, measured) };
    const unsupported = rows.find((row) => row.unsupported !== undefined);
    if (unsupported) return { kind: 'n/a', why: unsupported.unsupported! };
    const failed = rows.find((row) => row.error !== undefined);
    if (failed) return { kind: 'error', message: failed.error! };
    return this.caseOutcome.get(`${info.caseId}\u0000${target}`) ?? { kind: 'missing' };
  }

  keys(): string[] {
    return [...this.rows.keys()];
  }

  info(key: string): RowInfo {
    return this.rows.get(key)!;
  }
}

function rowKey(row: ResultRow): string {
  return `${row.scenario}\u0000${row.concurrency}${row.metric === 'cpu' ? '\u0000cpu' : ''}`;
}

/** A rate row that carries the server's CPU per message is shown twice: its msgs/s, then that CPU. */
function withCpuRow(row: ResultRow): ResultRow[] {
  if ((row.metric ?? 'rate') !== 'rate' || row.serverCpuUsPerMsg === undefined) return [row];
  return [row, { ...row, metric: 'cpu' }];
}

function figuresOf(metric: Metric, rows: readonly ResultRow[]): Figures {
  const pick = (get: (row: ResultRow) => number | undefined) => median(rows.map((row) => get(row) ?? NaN));
  if (metric === 'latency') return { value: pick((r) => r.p50Ms), p99: pick((r) => r.p99Ms), rounds: rows.length };
  if (metric === 'rss') return { value: pick((r) => r.rssMiB), rounds: rows.length };
  if (metric === 'cpu') return { value: pick((r) => r.serverCpuUsPerMsg), rounds: rows.length };
  return { value: pick((r) => r.msgsPerS), rounds: rows.length };
}

const UNIT: Record<Metric, string> = { rate: 'msgs/s', latency: 'p50/p99 ms', rss: 'RSS MiB', cpu: 'srv CPU µs/msg' };

export function compareTableText(comparison: Comparison): string {
  const { targets, reference } = comparison;
  const others = targets.filter((t) => t !== reference);
  const header = ['scenario', 'in flight', 'unit', ...targets, ...others.map((t) => `${t}/${reference}`)];
  const lines = comparison.keys().map((key) => {
    const info = comparison.info(key);
    const cells = targets.map((t) => comparison.cell(key, t));
    const ref = comparison.cell(key, reference);
    const ratios = others.map((t) => ratioText(comparison.cell(key, t), ref));
    const inFlight = info.metric === 'rss' ? '' : String(info.concurrency);
    return [info.scenario, inFlight, UNIT[info.metric], ...cells.map((c) => cellText(info.metric, c)), ...ratios];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const render = (line: string[]) =>
    line
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}

export function cellText(metric: Metric, cell: Cell): string {
  if (cell.kind === 'n/a') return 'n/a';
  if (cell.kind === 'error') return 'error';
  if (cell.kind === 'missing') return '-';
  const { value, p99 } = cell.figures;
  if (metric === 'latency') return `${number(value)} / ${number(p99 ?? NaN)}`;
  return number(value);
}

function ratioText(cell: Cell, reference: Cell): string {
  if (cell.kind === 'n/a' || reference.kind === 'n/a') return 'n/a';
  if (cell.kind !== 'figures' || reference.kind !== 'figures') return '-';
  const value = ratio(cell.figures.value, reference.figures.value);
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '-';
}

/** 12,345 / 123 / 12.3 / 1.23: three significant figures where that matters, no more. */
export function number(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value >= 10 ? 1 : 2);
}
