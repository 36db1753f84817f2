import fc from 'fast-check';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/actions/registry.js';
import { Authenticator } from '../../src/api/auth/authenticator.js';
import { NodeSha256 } from '../../src/api/auth/sigv4-verify.js';
import { buildApp } from '../../src/app.js';
import { FakeClock } from '../../src/core/clock.js';
import type { Services } from '../../src/core/context.js';
import { buildKeyring } from '../../src/core/credentials.js';
import { limitsFor } from '../../src/core/limits.js';
import { WaitRegistry } from '../../src/core/waiters.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';

// Property: changing any single byte of a signed request (method, path, query, a signed header, the
// Authorization header itself, or the body) makes --auth sigv4 refuse it, and nothing is stored. Bytes are
// replaced by a different letter or digit, so no mutation is a mere re-encoding of the same request (a
// %2F becoming %2f, a space becoming a tab inside a header) that AWS would also accept.

const KEY = { accessKeyId: 'AKIAMUTATION', secretAccessKey: 'mutation/secret', accountId: '111111111111' };
const HOST = 'localhost:9324';
const signer = new SignatureV4({ service: 'sqs', region: 'us-east-1', credentials: KEY, sha256: NodeSha256 });
const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

interface RawRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
}

let app: FastifyInstance;
let services: Services;
beforeAll(async () => {
  const clock = new FakeClock();
  const built = buildKeyring([KEY]);
  if ('error' in built) throw new Error(built.error);
  services = {
    storage: openSqliteStorage({ path: ':memory:' }),
    clock,
    waiters: new WaitRegistry(clock),
    limits: limitsFor(1_048_576),
    identity: { region: 'us-east-1', accountId: '000000000000', multiAccount: true },
    log: silentLog,
  };
  app = await buildApp({ services, actions: ACTIONS, auth: new Authenticator(built.keyring, 'us-east-1') });
  expect((await send(await signed('json', 'CreateQueue'))).statusCode).toBe(200);
});

async function storedMessages(): Promise<number> {
  const queue = await services.storage.getQueue(KEY.accountId, 'target');
  return (await services.storage.queueStats(queue!.id, services.clock.now())).visible;
}
afterAll(async () => {
  await app.close();
  await services.storage.close();
});

async function signed(kind: 'json' | 'query', action = 'SendMessage'): Promise<RawRequest> {
  const request: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string } =
    kind === 'json'
      ? {
          method: 'POST',
          path: '/',
          query: {},
          headers: { host: HOST, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
          body: JSON.stringify(action === 'CreateQueue' ? { QueueName: 'target' } : { QueueUrl: `http://${HOST}/111111111111/target`, MessageBody: 'hello' }),
        }
      : {
          method: 'GET',
          path: '/111111111111/target',
          query: { Action: 'SendMessage', MessageBody: 'hello', Version: '2012-11-05' },
          headers: { host: HOST },
          body: '',
        };
  const out = await signer.sign({ protocol: 'http:', hostname: 'localhost', port: 9324, ...request });
  const query = Object.entries(out.query ?? {}).map(([k, v]) => `${k}=${String(v)}`).join('&');
  return { method: out.method, path: out.path, query, headers: out.headers as Record<string, string>, body: request.body };
}

const send = (request: RawRequest) =>
  app.inject({
    method: request.method as 'GET',
    url: request.query === '' ? request.path : `${request.path}?${request.query}`,
    headers: request.headers,
    payload: request.body === '' ? undefined : request.body,
  });

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function mutate(text: string, position: number, pick: number): string {
  const at = position % text.length;
  const choices = ALPHANUMERIC.replace(text[at]!, '');
  return text.slice(0, at) + choices[pick % choices.length]! + text.slice(at + 1);
}

type Part = 'method' | 'path' | 'query' | 'body' | `header:${string}`;

function partsOf(request: RawRequest): Part[] {
  const headers = Object.keys(request.headers).filter((name) => name !== 'content-length').map((name) => `header:${name}` as Part);
  const present = (['query', 'body'] as const).filter((part) => request[part] !== '');
  return (['method', 'path', ...present] as Part[]).concat(headers);
}

function withMutation(request: RawRequest, part: Part, position: number, pick: number): RawRequest {
  const copy = { ...request, headers: { ...request.headers } };
  if (part === 'method') {
    // inject() refuses names that are not HTTP methods, so a changed method is another real one.
    const others = METHODS.filter((method) => method !== request.method);
    copy.method = others[pick % others.length]!;
  } else if (part === 'path') {
    // The leading slash stays: without it the request line is not a path at all.
    copy.path = `/${mutate(copy.path.slice(1) || 'x', position, pick)}`;
  } else if (part.startsWith('header:')) {
    const name = part.slice('header:'.length);
    copy.headers[name] = mutate(copy.headers[name]!, position, pick);
  } else {
    const key = part as 'query' | 'body';
    copy[key] = mutate(copy[key], position, pick);
  }
  return copy;
}

describe.each(['json', 'query'] as const)('a signed %s request', (kind) => {
  it('is accepted unchanged', async () => {
    const request = await signed(kind);
    const before = await storedMessages();
    const response = await send({ ...request, headers: { ...request.headers } });
    expect(response.statusCode).toBe(200);
    expect(await storedMessages()).toBe(before + 1);
  });

  it('is refused after any single-byte change, and stores nothing', async () => {
    const original = await signed(kind);
    const parts = partsOf(original);
    const before = await storedMessages();
    await fc.assert(
      fc.asyncProperty(fc.nat(parts.length - 1), fc.nat(10_000), fc.nat(100), async (partIndex, position, pick) => {
        const part = parts[partIndex]!;
        const response = await send(withMutation(original, part, position, pick));
        expect(response.statusCode, `${part} mutated: ${response.body}`).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: Number(process.env.MUTATION_RUNS ?? 150) },
    );
    expect(await storedMessages()).toBe(before);
  });
});
