import { performance } from 'node:perf_hooks';
import { isUnsupported } from './client.js';
import type { BenchContext, Scenario } from './context.js';
import type { ResultRow } from './report.js';
import { measureServerCpu } from './drive.js';
import { machineBusyPercent, readCpuMs, readMachineJiffies } from './server.js';

/**
 * Runs one scenario at one concurrency. A failing scenario (a server bug, a timeout) is reported in its
 * row and the others still run; a server that answers "not implemented" gets an "n/a" row instead.
 */
export async function runOne(id: number, title: string, run: Scenario, ctx: BenchContext, concurrency: number): Promise<ResultRow[]> {
  const pid = ctx.serverPid;
  const startedAt = performance.now();
  const benchCpu = process.cpuUsage();
  const serverCpuMs = pid === undefined ? 0 : readCpuMs(pid);
  const machine = readMachineJiffies();
  measureServerCpu(pid);
  try {
    const rows = await run(ctx, concurrency);
    const wallMs = performance.now() - startedAt;
    const used = process.cpuUsage(benchCpu);
    const cpuPercent = {
      bench: Math.round(((used.user + used.system) / 1000 / wallMs) * 100),
      ...(pid === undefined ? {} : { server: Math.round(((readCpuMs(pid) - serverCpuMs) / wallMs) * 100) }),
      machine: machineBusyPercent(machine, readMachineJiffies()),
    };
    return rows.map((row) => (row.ops === undefined ? row : { ...row, cpuPercent }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const scenario = `[${id}] ${title}`;
    if (isUnsupported(error)) {
      ctx.progress(`  not supported by this server: ${message.split('\n')[0]}`);
      return [{ scenario, concurrency, unsupported: message.split('\n')[0]!.slice(0, 200) }];
    }
    ctx.progress(`  failed: ${message}`);
    return [{ scenario, concurrency, error: message.split('\n')[0]!.slice(0, 300) }];
  } finally {
    measureServerCpu(undefined);
  }
}
