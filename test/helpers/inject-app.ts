import type { FastifyInstance } from 'fastify';
import { ACTIONS } from '../../src/actions/registry.js';
import { buildApp } from '../../src/app.js';
import { FakeClock } from '../../src/core/clock.js';
import type { Services } from '../../src/core/context.js';
import { limitsFor } from '../../src/core/limits.js';
import { WaitRegistry } from '../../src/core/waiters.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };
export const BASE_URL = 'http://localhost:9324';

/** The real app and actions over in-memory SQLite, driven through inject() (no socket). */
export async function injectApp(
  options: { instantWaits?: boolean } = {},
): Promise<{ app: FastifyInstance; services: Services; clock: FakeClock; close(): Promise<void> }> {
  const clock = new FakeClock();
  const services: Services = {
    storage: openSqliteStorage({ path: ':memory:' }),
    clock,
    waiters: options.instantWaits ? new InstantWaits(clock) : new WaitRegistry(clock),
    limits: limitsFor(1_048_576),
    identity: { region: 'us-east-1', accountId: '000000000000' },
    log: silentLog,
  };
  const app = await buildApp({ services, actions: ACTIONS, baseUrl: BASE_URL });
  return {
    app,
    services,
    clock,
    async close() {
      services.waiters.close();
      await app.close();
      await services.storage.close();
    },
  };
}

/** Long polls end at once by moving the fake clock to their deadline, so random WaitTimeSeconds never block. */
class InstantWaits extends WaitRegistry {
  constructor(private readonly fakeClock: FakeClock) {
    super(fakeClock);
  }
  override wait(_queueId: Parameters<WaitRegistry['wait']>[0], options: Parameters<WaitRegistry['wait']>[1]): Promise<void> {
    this.fakeClock.set(Math.max(this.fakeClock.now(), options.until));
    return Promise.resolve();
  }
}

export type Params = Record<string, string | number | object>;

export const FORM_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

/** One request per protocol, with params in the canonical JSON shape (Query takes flattened names). */
export function callers(app: FastifyInstance) {
  return {
    json: (action: string, params: Params, url = '/') =>
      app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
        payload: JSON.stringify(params),
      }),
    query: (action: string, params: Record<string, string | number>, url = '/') =>
      app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': FORM_TYPE },
        payload: new URLSearchParams({ Action: action, Version: '2012-11-05', ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) }).toString(),
      }),
  };
}
