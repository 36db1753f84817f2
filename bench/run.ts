import { parseCli, USAGE, UsageError } from './cli.js';
import { runCompare } from './compare.js';
import { ALL_FEATURES } from './context.js';
import { headerText, runMeta, tableText, writeJson, type ResultRow } from './report.js';
import { SCENARIOS } from './registry.js';
import { runOne } from './run-one.js';
import { startServer, type BenchServer } from './server.js';
import { contextFor } from './targets.js';

// Entry point of `npm run bench`: starts (or reaches) the server, runs the scenarios, prints the table.
// With --with-strawman, --with-fauxqs, --wharf-durability or --target, it runs side by side (compare.ts).

const CONCURRENCIES = [1, 16];

async function main(): Promise<number> {
  const cli = parseCli();
  if (cli.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  if (cli.compare) return runCompare(cli, progress);

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
  const target = { endpoint, features: ALL_FEATURES, ...(server ? { pid: server.pid } : {}) };
  const ctx = contextFor(cli, target, undefined, progress);

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
