import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assembleWharf } from './assemble.js';
import type { ClockState, PeekedMessageView, TestControls } from './controls/test-controls.js';
import type { Fault, FaultSpec } from './core/faults.js';
import { openSqliteStorage } from './storage/sqlite/sqlite-storage.js';

// Wharf inside a test process: `const wharf = await startWharf()` serves the SQS API on a free port of
// 127.0.0.1 and `await wharf.stop()` frees everything it opened (server, store, timers), so a test runner
// that looks for open handles finds none.

export interface StartWharfOptions {
  /** Directory for the SQLite file; omitted, the store is in memory and gone after stop(). */
  dataDir?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  region?: string;
  accountId?: string;
  /** Largest message a queue may allow, in bytes (default 1 MiB, as AWS). */
  maxMessageBytes?: number;
  /**
   * Virtual clock, reset, peek and faults, as methods here and under /_wharf/ over HTTP. On by default:
   * an embedded Wharf is a test fixture. With false the real clock is used and the methods throw.
   */
  testControls?: boolean;
  /** The web console at /console/ (default off when embedded). */
  console?: boolean;
}

export interface Wharf {
  /** Base URL for SDK clients, e.g. `http://127.0.0.1:50123`. */
  readonly endpoint: string;
  /** Closes the server (ending long polls), stops background work and closes the store. Idempotent. */
  stop(): Promise<void>;
  /** Deletes every queue and message, and clears faults; the clock keeps its time. */
  reset(): Promise<void>;
  /** Moves the virtual clock forward; parked long polls re-check at once. */
  advanceClock(seconds: number): Promise<ClockState>;
  /** Moves the virtual clock to an instant (never backwards). */
  setClock(at: Date | string | number): Promise<ClockState>;
  /** The virtual clock's current time. */
  now(): Date;
  /** A queue's messages in enqueue order, without changing visibility or receive counts. */
  peek(queueName: string, limit?: number): Promise<PeekedMessageView[]>;
  /** Makes calls fail or answer late; see FaultSpec. */
  injectFault(spec: FaultSpec): Fault;
  listFaults(): Fault[];
  clearFaults(): void;
}

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

export async function startWharf(options: StartWharfOptions = {}): Promise<Wharf> {
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const identity = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
  const path = options.dataDir === undefined ? ':memory:' : join(options.dataDir, 'wharf.db');
  const storage = openSqliteStorage({ path, defaultAccountId: identity.accountId });
  const assembled = await assembleWharf({
    storage,
    identity,
    maxMessageBytes: options.maxMessageBytes ?? 1_048_576,
    log: silentLog,
    metrics: false,
    console: options.console ?? false,
    testControls: options.testControls ?? true,
  }).catch(async (error: unknown) => {
    await storage.close();
    throw error;
  });
  const { app, services, controls } = assembled;
  await assembled.startBackground();
  let endpoint: string;
  try {
    endpoint = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await assembled.stopBackground();
    await app.close();
    await storage.close();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const need = (): TestControls => {
    if (!controls) throw new Error('test controls are off: start Wharf with testControls: true');
    return controls;
  };
  return {
    endpoint,
    stop() {
      stopping ??= (async () => {
        services.waiters.close();
        await assembled.stopBackground();
        await app.close();
        await storage.close();
      })();
      return stopping;
    },
    reset: () => need().reset(),
    advanceClock: (seconds) => need().advanceClock(seconds * 1000),
    setClock: (at) => need().setClock(at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at),
    now: () => new Date(need().clock().nowMs),
    peek: (queueName, limit) => need().peek(queueName, limit),
    injectFault: (spec) => need().addFault(spec),
    listFaults: () => need().listFaults(),
    clearFaults: () => need().clearFaults(),
  };
}
