import { writeFileSync } from 'node:fs';
import type { Cli } from './cli.js';
import { Comparison, compareTableText, type Cell } from './compare-table.js';
import { runMeta, type ResultRow, type RunMeta } from './report.js';
import { SCENARIOS, type ScenarioEntry } from './registry.js';
import { runOne } from './run-one.js';
import { contextFor, startTargets, type Target } from './targets.js';

// Side-by-side mode: the same scenarios against several servers, interleaved in rounds so that drift
// on a shared machine (other work, thermal limits) lands on every target alike.

interface Case {
  id: string;
  entry: ScenarioEntry;
  concurrency: number;
}

type Log = { round: number; target: string; rows: ResultRow[]; showNotes: boolean }[];

export async function runCompare(cli: Cli, progress: (line: string) => void): Promise<number> {
  const targets = await startTargets(cli, progress);
  const stopAll = () => Promise.all(targets.map((t) => t.stop()));
  const interrupt = (signal: NodeJS.Signals) => {
    progress(`bench: ${signal}, stopping the servers`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const meta = runMeta('per target', cli.quick, targets.map((t) => `${t.name}: ${t.describe}`).join('; '));
  let comparison: Comparison;
  let log: Log;
  try {
    if (targets.length === 0) throw new Error('no target could be started');
    const reference = cli.reference ?? (targets.some((t) => t.name === 'strawman') ? 'strawman' : targets[0]!.name);
    if (!targets.some((t) => t.name === reference)) {
      throw new Error(`--reference ${reference} is not one of the targets (${targets.map((t) => t.name).join(', ')})`);
    }
    comparison = new Comparison(
      targets.map((t) => t.name),
      reference,
    );
    log = await runRounds(cli, targets, comparison, progress);
  } finally {
    await stopAll();
  }
  return report(cli, meta, targets, comparison, log);
}

async function runRounds(cli: Cli, targets: readonly Target[], comparison: Comparison, progress: (line: string) => void): Promise<Log> {
  const cases: Case[] = SCENARIOS.filter((s) => s.compare !== undefined && cli.only.has(s.id)).flatMap((entry) =>
    entry.compare!.map((concurrency) => ({ id: `${entry.id}:${entry.title}:${concurrency}`, entry, concurrency })),
  );
  const log: Log = [];
  for (let round = 1; round <= cli.rounds; round++) {
    // Rotate who goes first, so no target always meets a freshly idle (or freshly busy) machine.
    const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]!);
    for (const c of cases.filter((c) => round === 1 || !c.entry.once)) {
      for (const target of order) {
        const rows = await runCase(cli, c, target, round, progress);
        log.push({ round, target: target.name, rows, showNotes: c.entry.showNotes === true });
        const whole = wholeCaseOutcome(c, rows);
        if (whole) comparison.markCase(c.id, target.name, whole);
        else comparison.add(c.id, target.name, rows);
      }
    }
  }
  return log;
}

function report(cli: Cli, meta: RunMeta, targets: readonly Target[], comparison: Comparison, log: Log): number {
  process.stdout.write(`${header(meta, targets, cli, comparison.reference)}\n\n${compareTableText(comparison)}\n`);
  const notes = log.flatMap(({ round, target, rows, showNotes }) =>
    rows.filter((r) => r.note !== undefined && showNotes).map((r) => `round ${round}, ${target}, ${r.scenario}: ${r.note}`),
  );
  if (notes.length > 0) process.stdout.write(`\nNotes:\n${notes.join('\n')}\n`);
  const problems = targets.flatMap((t) => t.problems().map((p) => `${t.name} ${p}`));
  const errors = log.flatMap(({ round, target, rows }) =>
    rows.filter((r) => r.error !== undefined).map((r) => `round ${round}, ${target}, ${r.scenario}: ${r.error}`),
  );
  if (errors.length + problems.length > 0) process.stdout.write(`\n${[...errors, ...problems].join('\n')}\n`);
  if (cli.json !== undefined) {
    writeFileSync(cli.json, `${JSON.stringify({ meta, reference: comparison.reference, rounds: log }, null, 2)}\n`);
  }
  return errors.length > 0 ? 1 : 0;
}

const scenarioLabel = (c: Case) => `[${c.entry.id}] ${c.entry.title}`;

/** A case that failed or was unsupported as a whole yields one row named after the scenario (see runOne). */
function wholeCaseOutcome(c: Case, rows: readonly ResultRow[]): Cell | undefined {
  const [row] = rows;
  if (rows.length !== 1 || row!.scenario !== scenarioLabel(c)) return undefined;
  if (row!.unsupported !== undefined) return { kind: 'n/a', why: row!.unsupported };
  if (row!.error !== undefined) return { kind: 'error', message: row!.error };
  return undefined;
}

async function runCase(cli: Cli, c: Case, target: Target, round: number, progress: (line: string) => void): Promise<ResultRow[]> {
  const label = `[${c.entry.id}] ${c.entry.title}, ${c.concurrency} in flight`;
  const missing = (c.entry.needs ?? []).filter((f) => !target.features.has(f));
  if (missing.length > 0) {
    progress(`${label} — ${target.name}: n/a (no ${missing.join(', ')})`);
    return [{ scenario: scenarioLabel(c), concurrency: c.concurrency, unsupported: `no ${missing.join(', ')}` }];
  }
  progress(`${label} — round ${round}, ${target.name}`);
  const startedAt = Date.now();
  const rows = await runOne(c.entry.id, c.entry.title, c.entry.run, contextFor(cli, target, round, progress), c.concurrency);
  progress(`  ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return rows;
}

function header(meta: RunMeta, targets: readonly Target[], cli: Cli, reference: string): string {
  return [
    `Wharf bench — ${meta.mode} side-by-side run, ${meta.date}`,
    `node ${meta.node}; ${meta.cpus}, load average ${meta.loadAverage1m.toFixed(2)} at start (bench and servers share these cores)`,
    ...targets.map((t) => `  ${t.name}: ${t.describe}`),
    `${cli.rounds} interleaved round(s), medians across rounds; ratios are target ÷ ${reference}: for msgs/s above 1× is`,
    'faster, for latency (ratio of p50s), RSS and server CPU per message below 1× is better; n/a = the server lacks',
    'what the scenario needs. Server CPU counts the server process only (user + system, all its threads) over the',
    "measured phase, not PostgreSQL's own processes for wharf-pg; contention inflates it too, so compare within a run",
  ].join('\n');
}
