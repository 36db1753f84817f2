import { ACTIONS } from '../../src/actions/registry.js';
import { FakeClock } from '../../src/core/clock.js';
import type { ActionContext, Services } from '../../src/core/context.js';
import { limitsFor } from '../../src/core/limits.js';
import { WaitRegistry } from '../../src/core/waiters.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** Actions run directly (no HTTP) against in-memory SQLite and a clock the test moves by hand. */
export function actionHarness(options: { maxMessageBytes?: number; multiAccount?: boolean } = {}) {
  const clock = new FakeClock();
  const services: Services = {
    storage: openSqliteStorage({ path: ':memory:' }),
    clock,
    waiters: new WaitRegistry(clock),
    limits: limitsFor(options.maxMessageBytes ?? 1_048_576),
    identity: { region: 'us-east-1', accountId: '000000000000', multiAccount: options.multiAccount ?? false },
    log: silentLog,
  };
  const ctx: ActionContext = {
    ...services,
    request: { baseUrl: 'http://localhost:9324', signal: new AbortController().signal, senderId: 'tester', accountId: '000000000000' },
  };
  async function call<T = any>(action: string, input: object, caller: ActionContext = ctx): Promise<T> {
    const def = ACTIONS[action];
    if (!def) throw new Error(`no action ${action}`);
    return def.run(def.input(services.limits).parse(input), caller) as Promise<T>;
  }
  /** Calls made by another account's caller. */
  const as = (accountId: string) => {
    const caller: ActionContext = { ...ctx, request: { ...ctx.request, accountId, senderId: accountId } };
    return <T = any>(action: string, input: object) => call<T>(action, input, caller);
  };
  return { clock, services, call, as, close: () => services.storage.close() };
}
