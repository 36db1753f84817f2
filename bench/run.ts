import { performance } from 'node:perf_hooks';
import { BIG_SIZES, bigMemory, bigMessages } from './big.js';
import { parseCli, USAGE, UsageError } from './cli.js';
import type { BenchContext, Scenario } from './context.js';
import { longPollLatency } from './latency.js';
import { headerText, runMeta, tableText, writeJson, type ResultRow } from './report.js';
import { fifo, receiveDeleteSmall, sendBatchSmall, sendSmall } from './scenarios.js';
import { readCpuMs, startServer, type BenchServer } from './server.js';

// Entry point of `npm run bench`: starts (or reaches) the server, runs the scenarios, prints the table.

const CONCURRENCIES = [1, 16];

interface ScenarioEntry {
  id: number;
  title: string;
  run: Scenario;
  concurrencies?: number[];
  /** Restart a bench-owned server first: memory the earlier scenarios left in its heap would hide the peak. */
  freshServer?: boolean;
}

const SCENARIOS: ScenarioEntry[] = [
  { id: 1, title: 'SendMessage 100 B', run: sendSmall },
  { id: 2, title: 'ReceiveMessage+DeleteMessageBatch 100 B', run: receiveDeleteSmall },
  { id: 3, title: 'long-poll send→receive latency', run: longPollLatency },
  { id: 4, title: 'SendMessageBatch 10×100 B', run: sendBatchSmall },
  { id: 5, title: 'FIFO send, then receive+delete', run: fifo },
  ...BIG_SIZES.map((size) => ({ id: 6, title: `big messages ${size.label}`, run: bigMessages(size) })),
  { id: 7, title: 'server memory with 8 MiB sends', run: bigMemory, concurrencies: [16], freshServer: true },
];

async function main(): Promise<number> {
  const cli = parseCli();
  if (cli.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const progress = (line: string) => process.stderr.write(`${line}\n`);

  let server: BenchServer | undefined;
  const serverOptions = { durability: cli.durability, logLevel: cli['server-log-level'], build: true };
  const serverErrors: string[] = [];
  const interrupt = (signal: NodeJS.Signals) => {
    progress(`bench: ${signal}, stopping the server`);
    void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  if (cli.endpoint === undefined) {
    progress(`bench: starting wharf (durability ${cli.durability})`);
    server = await startServer(serverOptions);
  }
  const endpoint = cli.endpoint ?? server!.endpoint;
  const meta = runMeta(
    cli.endpoint === undefined ? cli.durability : 'unknown (external server)',
    cli.quick,
    cli.endpoint === undefined ? 'dist/main.js started by the bench' : `external at ${endpoint}`,
  );
  const ctx: BenchContext = {
    endpoint,
    queuePrefix: `bench-${Date.now().toString(36)}`,
    quick: cli.quick,
    durationMs: cli.durationMs,
    warmupMs: cli.warmupMs,
    prefill: cli.prefill,
    ...(server ? { serverPid: server.pid } : {}),
    bigIdle: cli['big-idle'],
    progress,
  };

  const rows: ResultRow[] = [];
  try {
    for (const scenario of SCENARIOS.filter((s) => cli.only.has(s.id))) {
      if (scenario.freshServer && server && rows.length > 0) {
        progress('bench: restarting wharf for a clean memory baseline');
        await server.stop();
        serverErrors.push(...server.errorLines);
        server = await startServer({ ...serverOptions, build: false });
        Object.assign(ctx, { endpoint: server.endpoint, serverPid: server.pid });
      }
      for (const concurrency of scenario.concurrencies ?? CONCURRENCIES) {
        progress(`[${scenario.id}] ${scenario.title}, ${concurrency} in flight`);
        const startedAt = Date.now();
        rows.push(...(await runOne(scenario.id, scenario.title, scenario.run, ctx, concurrency)));
        progress(`  ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    await server?.stop();
    serverErrors.push(...(server?.errorLines ?? []));
  }

  process.stdout.write(`${headerText(meta)}\n\n${tableText(rows)}\n`);
  if (server?.crash !== undefined) process.stdout.write(`\nThe server crashed during the run: ${server.crash}\n`);
  if (serverErrors.length > 0) {
    process.stdout.write(`\nThe server logged ${serverErrors.length} error line(s); the first:\n${serverErrors.slice(0, 3).join('\n')}\n`);
  }
  if (cli.json !== undefined) writeJson(cli.json, meta, rows, serverErrors);
  return rows.some((row) => row.error !== undefined) ? 1 : 0;
}

// One failing scenario (a server bug, a timeout) is reported in its row; the others still run.
async function runOne(id: number, title: string, run: Scenario, ctx: BenchContext, concurrency: number): Promise<ResultRow[]> {
  const pid = ctx.serverPid;
  const startedAt = performance.now();
  const benchCpu = process.cpuUsage();
  const serverCpuMs = pid === undefined ? 0 : readCpuMs(pid);
  try {
    const rows = await run(ctx, concurrency);
    const wallMs = performance.now() - startedAt;
    const used = process.cpuUsage(benchCpu);
    const cpuPercent = {
      bench: Math.round(((used.user + used.system) / 1000 / wallMs) * 100),
      ...(pid === undefined ? {} : { server: Math.round(((readCpuMs(pid) - serverCpuMs) / wallMs) * 100) }),
    };
    return rows.map((row) => (row.ops === undefined ? row : { ...row, cpuPercent }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.progress(`  failed: ${message}`);
    return [{ scenario: `[${id}] ${title}`, concurrency, error: message.split('\n')[0]!.slice(0, 300) }];
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
