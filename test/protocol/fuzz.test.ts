import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_URL, callers, FORM_TYPE, injectApp } from '../helpers/inject-app.js';

// Property-based fuzzing of both protocol decoders and the dispatcher (issue 12, item 4): random and
// mutated requests, built from valid SendMessage / SendMessageBatch / ReceiveMessage / DeleteQueue
// requests in both protocols, never get a 5xx, always get a well-formed answer in their protocol, and
// never change a canary queue that none of them names. Bounded: a fixed seed-free run count per property
// and instant long polls keep the file to a few seconds.

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

let app: FastifyInstance;
let close: () => Promise<void>;
let call: ReturnType<typeof callers>;
let canaryBefore: unknown;

const CANARY = `${BASE_URL}/000000000000/canary`;
const TARGET = `${BASE_URL}/000000000000/fuzz`;

async function canaryState() {
  const attributes = await call.json('GetQueueAttributes', { QueueUrl: CANARY, AttributeNames: ['All'] });
  const tags = await call.json('ListQueueTags', { QueueUrl: CANARY });
  return { attributes: attributes.json(), tags: tags.json() };
}

beforeAll(async () => {
  ({ app, close } = await injectApp({ instantWaits: true }));
  call = callers(app);
  await call.json('CreateQueue', { QueueName: 'canary', Attributes: { MessageRetentionPeriod: '1209600' }, tags: { team: 'canary' } });
  await call.json('CreateQueue', { QueueName: 'fuzz' });
  for (const body of ['one', 'two', 'three']) {
    await call.json('SendMessage', { QueueUrl: CANARY, MessageBody: body, MessageAttributes: { a: { DataType: 'String', StringValue: body } } });
  }
  canaryBefore = await canaryState();
});

afterAll(async () => close());

// ---- request material -----------------------------------------------------------------------------

type Pair = [string, string];

const VALID_QUERY: Record<string, Pair[]> = {
  SendMessage: [
    ['QueueUrl', TARGET],
    ['MessageBody', 'hello'],
    ['DelaySeconds', '0'],
    ['MessageAttribute.1.Name', 'a'],
    ['MessageAttribute.1.Value.DataType', 'String'],
    ['MessageAttribute.1.Value.StringValue', 'v'],
  ],
  SendMessageBatch: [
    ['QueueUrl', TARGET],
    ['SendMessageBatchRequestEntry.1.Id', 'e1'],
    ['SendMessageBatchRequestEntry.1.MessageBody', 'b1'],
    ['SendMessageBatchRequestEntry.2.Id', 'e2'],
    ['SendMessageBatchRequestEntry.2.MessageBody', 'b2'],
    ['SendMessageBatchRequestEntry.2.MessageAttribute.1.Name', 'n'],
    ['SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType', 'Number'],
    ['SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue', '42'],
  ],
  ReceiveMessage: [
    ['QueueUrl', TARGET],
    ['MaxNumberOfMessages', '10'],
    ['AttributeName.1', 'All'],
    ['MessageAttributeName.1', 'All'],
    ['WaitTimeSeconds', '1'],
  ],
  DeleteQueue: [['QueueUrl', `${BASE_URL}/000000000000/doomed`]],
};

const VALID_JSON: Record<string, Record<string, unknown>> = {
  SendMessage: { QueueUrl: TARGET, MessageBody: 'hello', DelaySeconds: 0, MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } } },
  SendMessageBatch: {
    QueueUrl: TARGET,
    Entries: [
      { Id: 'e1', MessageBody: 'b1' },
      { Id: 'e2', MessageBody: 'b2', MessageAttributes: { n: { DataType: 'Number', StringValue: '42' } } },
    ],
  },
  ReceiveMessage: { QueueUrl: TARGET, MaxNumberOfMessages: 10, AttributeNames: ['All'], MessageAttributeNames: ['All'], WaitTimeSeconds: 1 },
  DeleteQueue: { QueueUrl: `${BASE_URL}/000000000000/doomed` },
};

const ACTIONS = Object.keys(VALID_QUERY);

// Paths that try to reach the canary without naming it, plus the ordinary ones.
const PATHS = ['/', '/000000000000/fuzz', '/000000000000/..%2fcanary', '/000000000000/fuzz%2F..%2F..%2Fcanary', '/queue/us-east-1/000000000000/..%5ccanary', '/%zz', `/000000000000/${'x'.repeat(300)}`];

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '\u0000', '\u0001', '\uFFFE', '\uFFFF', '\uD800', '\uDC00x', '__proto__', 'constructor', '1e400', '-1', '99999999999999999999', 'All', '..%2fcanary', '&Action=DeleteQueue', '%', '%zz', '%FF', '%ED%A0%80', '+', '\r\n'),
  fc.integer().map(String),
);

const hostileName = fc.oneof(
  hostileString,
  fc.constantFrom('Action', 'QueueUrl', 'MessageBody', 'SendMessageBatchRequestEntry.999999999999.Id', 'MessageAttribute.0.Name', 'MessageAttribute.-1.Name', 'AttributeName.', '.', '..', 'Entries', 'Attribute.1.Name', 'Tag.1.Key', '__proto__.x'),
);

// Percent-encodes the UTF-8 bytes (a lone surrogate becomes U+FFFD's bytes, as any client would send).
const encode = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');

type PairMutation = (pairs: Pair[]) => Pair[];

const pairMutation: fc.Arbitrary<PairMutation> = fc.oneof(
  fc.nat().map((i) => (pairs: Pair[]) => pairs.filter((_, j) => j !== i % pairs.length)),
  fc.nat().map((i) => (pairs: Pair[]) => (pairs.length > 0 ? [...pairs, pairs[i % pairs.length]!] : pairs)),
  fc.tuple(fc.nat(), hostileString).map(([i, value]) => (pairs: Pair[]) => pairs.map((p, j): Pair => (j === i % pairs.length ? [p[0], value] : p))),
  fc.tuple(fc.nat(), hostileName).map(([i, name]) => (pairs: Pair[]) => pairs.map((p, j): Pair => (j === i % pairs.length ? [name, p[1]] : p))),
  fc.tuple(hostileName, hostileString).map(([name, value]) => (pairs: Pair[]) => [...pairs, [name, value] as Pair]),
  fc.constant((pairs: Pair[]) => [...pairs, ['Action', 'DeleteQueue'] as Pair]),
  fc.integer({ min: 11, max: 4000 }).map((n) => (pairs: Pair[]) => [
    ...pairs,
    ...Array.from({ length: n }, (_, i): Pair => [`SendMessageBatchRequestEntry.${i + 1}.Id`, `x${i}`]),
  ]),
);

const rawMutation = fc.oneof(
  fc.constant((body: Buffer) => body),
  fc.nat().map((n) => (body: Buffer) => body.subarray(0, n % (body.length + 1))),
  fc.uint8Array({ maxLength: 16 }).map((bytes) => (body: Buffer) => Buffer.concat([body, Buffer.from(bytes)])),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, byte]) => (body: Buffer) => {
    const copy = Buffer.from(body);
    if (copy.length > 0) copy[i % copy.length] = byte;
    return copy;
  }),
);

const method = fc.oneof(fc.constant('POST' as const), fc.constant('POST' as const), fc.constantFrom('GET' as const, 'HEAD' as const, 'PUT' as const, 'DELETE' as const));

const queryRequest = fc
  .record({
    action: fc.constantFrom(...ACTIONS),
    mutations: fc.array(pairMutation, { maxLength: 4 }),
    raw: rawMutation,
    path: fc.constantFrom(...PATHS),
    method,
    inUrl: fc.boolean(),
  })
  .map(({ action, mutations, raw, path, method, inUrl }) => {
    const pairs = mutations.reduce((acc, mutate) => mutate(acc), [['Action', action] as Pair, ...VALID_QUERY[action]!]);
    const form = pairs.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
    const body = raw(Buffer.from(form));
    return inUrl || method === 'GET' || method === 'HEAD'
      ? { method, url: `${path}?${body.toString('latin1')}`, headers: {}, payload: undefined }
      : { method, url: path, headers: { 'content-type': FORM_TYPE }, payload: body };
  });

// A JSON mutation replaces, deletes or deeply nests a member somewhere in the object.
const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  fc.constantFrom(1e308, -1, 2 ** 53 + 1, 0.5, null, true, [], {}),
  fc.integer({ min: 1, max: 6000 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
);

function mutateJson(value: unknown, path: number[], replacement: unknown, remove: boolean): unknown {
  if (typeof value !== 'object' || value === null || path.length === 0) return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
  if (remove && path.length === 1) delete copy[key];
  else copy[key] = mutateJson((value as Record<string, unknown>)[key], path.slice(1), replacement, remove);
  return copy;
}

const jsonRequest = fc
  .record({
    action: fc.constantFrom(...ACTIONS),
    target: fc.oneof(fc.constant(undefined), hostileString),
    edits: fc.array(fc.record({ path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), value: jsonValue, remove: fc.boolean() }), { maxLength: 3 }),
    raw: rawMutation,
    path: fc.constantFrom(...PATHS),
    method,
  })
  .map(({ action, target, edits, raw, path, method }) => {
    const input = edits.reduce<unknown>((acc, edit) => mutateJson(acc, edit.path, edit.value, edit.remove), VALID_JSON[action]);
    let text: string;
    try {
      text = JSON.stringify(input) ?? 'null';
    } catch {
      text = '{';
    }
    return {
      method,
      url: path,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target ?? `AmazonSQS.${action}` },
      payload: raw(Buffer.from(text, 'utf8')),
    };
  });

const randomRequest = fc.record({
  method,
  url: fc.oneof(fc.constantFrom(...PATHS), fc.string({ maxLength: 60 }).map((s) => `/${encode(s)}`)),
  headers: fc.dictionary(fc.constantFrom('content-type', 'x-amz-target', 'accept', 'authorization'), fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))),
  payload: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
});

// ---- the properties -------------------------------------------------------------------------------

type Request = { method: 'GET' | 'POST' | 'HEAD' | 'PUT' | 'DELETE'; url: string; headers: Record<string, string>; payload?: Buffer };

async function checkAnswer(request: Request): Promise<void> {
  const res = await app.inject(request);
  expect(res.statusCode, `${request.method} ${request.url.slice(0, 200)}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (request.method === 'HEAD' || res.body === '') return;
  const type = String(res.headers['content-type'] ?? '');
  if (type.startsWith('text/xml')) {
    expect(NOT_XML_CHAR.test(res.body)).toBe(false);
    expect(XMLValidator.validate(res.body)).toBe(true);
  } else if (type.startsWith('application/x-amz-json-1.0')) {
    expect(() => JSON.parse(res.body)).not.toThrow();
  }
  expect(res.body).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack traces
}

describe('fuzzing the wire protocols and the dispatcher', () => {
  it('answers mutated Query requests without a 5xx, in well-formed XML', async () => {
    await fc.assert(fc.asyncProperty(queryRequest, (request) => checkAnswer(request as Request)), { numRuns: RUNS });
  });

  it('answers mutated JSON requests without a 5xx, in valid JSON', async () => {
    await fc.assert(fc.asyncProperty(jsonRequest, (request) => checkAnswer(request as Request)), { numRuns: RUNS });
  });

  it('answers random requests without a 5xx', async () => {
    await fc.assert(fc.asyncProperty(randomRequest, (request) => checkAnswer(request as Request)), { numRuns: RUNS });
  });

  it('left the canary queue exactly as it was', async () => {
    // The fuzz target queue may be gone (DeleteQueue mutations); the canary must not have noticed anything.
    expect(await canaryState()).toEqual(canaryBefore);
    const received = await call.json('ReceiveMessage', { QueueUrl: CANARY, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] });
    const messages = (received.json().Messages ?? []) as { Body: string; MessageAttributes: Record<string, { StringValue: string }> }[];
    expect(messages.map((m) => [m.Body, m.MessageAttributes.a?.StringValue]).sort()).toEqual([
      ['one', 'one'],
      ['three', 'three'],
      ['two', 'two'],
    ]);
  });
});
