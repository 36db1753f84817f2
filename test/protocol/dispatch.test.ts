import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAction } from '../../src/actions/define-action.js';
import { buildApp } from '../../src/app.js';
import { FakeClock } from '../../src/core/clock.js';
import type { RequestContext, Services } from '../../src/core/context.js';
import { SqsErrors, StoreUnavailable } from '../../src/core/errors.js';
import { limitsFor } from '../../src/core/limits.js';

// The wire layer against a FAKE registry: every behaviour here belongs to api/, not to real actions.

const DELAY_REASON = 'Must be >= 0 and <= 900.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

interface Seen {
  input: unknown;
  request: RequestContext;
}

interface Hooks {
  /** When set, ReceiveMessage behaves as a long poll that only ends when its signal aborts. */
  longPoll?: (signal: AbortSignal) => void;
}

function fakeActions(seen: Seen[], hooks: Hooks) {
  const record = (input: unknown, request: RequestContext) => seen.push({ input, request });
  return {
    CreateQueue: defineAction('CreateQueue', () => z.object({ QueueName: z.string() }), async (input, ctx) => ({
      QueueUrl: `${ctx.request.baseUrl}/000000000000/${input.QueueName}`,
    })),
    ListQueues: defineAction('ListQueues', () => z.object({}), async () => ({ QueueUrls: [] as string[] })),
    SendMessage: defineAction(
      'SendMessage',
      () =>
        z.object({
          QueueUrl: z.string(),
          MessageBody: z.string(),
          DelaySeconds: z.number().int().min(0, DELAY_REASON).max(900, DELAY_REASON).optional(),
        }),
      async (input, ctx) => {
        record(input, ctx.request);
        return { MD5OfMessageBody: 'md5', MessageId: 'm-1', SequenceNumber: undefined };
      },
    ),
    SendMessageBatch: defineAction(
      'SendMessageBatch',
      () =>
        z.object({ QueueUrl: z.string(), Entries: z.array(z.object({ Id: z.string(), MessageBody: z.string() })) }).superRefine((input) => {
          if (input.Entries.length > 10) throw SqsErrors.tooManyEntriesInBatchRequest(input.Entries.length);
        }),
      async () => ({ Successful: [{ Id: 'a', MessageId: 'm', MD5OfMessageBody: 'md5' }], Failed: [] }),
    ),
    ReceiveMessage: defineAction('ReceiveMessage', () => z.object({ QueueUrl: z.string() }), async (_input, ctx) => {
      const { signal } = ctx.request;
      if (hooks.longPoll) {
        hooks.longPoll(signal);
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      }
      return { Messages: [] };
    }),
    ListDeadLetterSourceQueues: defineAction('ListDeadLetterSourceQueues', () => z.object({ QueueUrl: z.string() }), async () => ({
      queueUrls: [] as string[],
    })),
    DeleteQueue: defineAction('DeleteQueue', () => z.object({ QueueUrl: z.string() }), async () => {
      throw SqsErrors.queueDoesNotExist();
    }),
    PurgeQueue: defineAction('PurgeQueue', () => z.object({ QueueUrl: z.string() }), async () => {
      throw new Error('secret internal detail');
    }),
    TagQueue: defineAction('TagQueue', () => z.object({ QueueUrl: z.string() }), async () => {
      throw new StoreUnavailable('the disk is full', { cause: new Error('SQLITE_FULL at /secret/path') });
    }),
  };
}

function fakeServices(options: { maxRequestBodyBytes?: number; ping?: () => Promise<void> } = {}): Services {
  const limits = limitsFor(1_048_576);
  return {
    storage: { ping: options.ping ?? (async () => {}) } as unknown as Services['storage'],
    clock: new FakeClock(),
    limits: { ...limits, maxRequestBodyBytes: options.maxRequestBodyBytes ?? limits.maxRequestBodyBytes },
    waiters: {} as Services['waiters'],
    identity: { region: 'us-east-1', accountId: '000000000000' },
    log: silentLog,
  };
}

let app: FastifyInstance;
let seen: Seen[];

async function start(options: Parameters<typeof fakeServices>[0] & { baseUrl?: string } = {}, hooks: Hooks = {}) {
  seen = [];
  app = await buildApp({ services: fakeServices(options), actions: fakeActions(seen, hooks), baseUrl: options.baseUrl });
  return app;
}

afterEach(async () => {
  await app?.close();
});

type Params = Record<string, string | number>;

const PROTOCOLS = {
  json: (action: string, params: Params, url = '/') =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
      payload: JSON.stringify(params),
    }),
  query: (action: string, params: Params, url = '/') =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      payload: new URLSearchParams({ Action: action, Version: '2012-11-05', ...stringify(params) }).toString(),
    }),
};

const stringify = (params: Params) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));

const xml = new XMLParser({ parseTagValue: false, htmlEntities: true });

type Response = Awaited<ReturnType<typeof PROTOCOLS.json>>;

/** The error as each SDK reads it: JSON from the x-amzn-query-error header and body, Query from the XML. */
function errorOf(protocol: keyof typeof PROTOCOLS, res: Response) {
  if (protocol === 'json') {
    const [code, fault] = String(res.headers['x-amzn-query-error']).split(';');
    return { status: res.statusCode, code, fault, message: res.json().message as string };
  }
  const { Error: error } = xml.parse(res.body).ErrorResponse;
  return { status: res.statusCode, code: error.Code, fault: error.Type, message: error.Message };
}

describe.each(['json', 'query'] as const)('dispatch over %s', (protocol) => {
  const call = (action: string, params: Params, url?: string) => PROTOCOLS[protocol](action, params, url);

  it('answers in the protocol of the request with a UUID request id', async () => {
    await start();
    const res = await call('SendMessage', { QueueUrl: 'http://h/0/q', MessageBody: 'hi' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-amzn-requestid']).toMatch(UUID);
    if (protocol === 'json') {
      expect(res.headers['content-type']).toBe('application/x-amz-json-1.0');
      expect(res.json()).toEqual({ MD5OfMessageBody: 'md5', MessageId: 'm-1' });
    } else {
      expect(res.headers['content-type']).toBe('text/xml');
      expect(res.body).toContain('<SendMessageResult><MD5OfMessageBody>md5</MD5OfMessageBody><MessageId>m-1</MessageId>');
      expect(res.body).toContain(`<RequestId>${res.headers['x-amzn-requestid']}</RequestId>`);
    }
  });

  it('encodes a modeled error with its code, status and protocol wording', async () => {
    await start();
    const res = await call('DeleteQueue', { QueueUrl: 'http://h/0/missing' });
    expect(errorOf(protocol, res)).toEqual({
      status: 400,
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      fault: 'Sender',
      message: protocol === 'json' ? 'The specified queue does not exist.' : 'The specified queue does not exist for this wsdl version.',
    });
    if (protocol === 'json') expect(res.json().__type).toBe('com.amazonaws.sqs#QueueDoesNotExist');
  });

  it('maps a missing required member to MissingParameter', async () => {
    await start();
    const res = await call('SendMessage', { QueueUrl: 'http://h/0/q' });
    expect(errorOf(protocol, res)).toMatchObject({
      status: 400,
      code: 'MissingParameter',
      message: 'The request must contain the parameter MessageBody.',
    });
    if (protocol === 'json') expect(res.json().__type).toBe('com.amazon.coral.service#MissingRequiredParameterException');
  });

  it('maps a schema violation to InvalidParameterValue with the schema reason', async () => {
    await start();
    const res = await call('SendMessage', { QueueUrl: 'http://h/0/q', MessageBody: 'hi', DelaySeconds: 1000 });
    expect(errorOf(protocol, res)).toMatchObject({
      status: 400,
      code: 'InvalidParameterValue',
      message: `Value 1000 for parameter DelaySeconds is invalid. Reason: ${DELAY_REASON}`,
    });
  });

  it('lets an SqsError thrown inside a schema refinement through unchanged', async () => {
    await start();
    const entries = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    const res =
      protocol === 'json'
        ? await call('SendMessageBatch', { QueueUrl: 'u', Entries: entries } as unknown as Params)
        : await call('SendMessageBatch', {
            QueueUrl: 'u',
            ...Object.fromEntries(entries.flatMap((e, i) => [[`SendMessageBatchRequestEntry.${i + 1}.Id`, e.Id], [`SendMessageBatchRequestEntry.${i + 1}.MessageBody`, e.MessageBody]])),
          });
    expect(errorOf(protocol, res)).toMatchObject({ code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest' });
  });

  it('answers an unexpected failure with a 500 InternalFailure and no details', async () => {
    await start();
    const res = await call('PurgeQueue', { QueueUrl: 'http://h/0/q' });
    expect(errorOf(protocol, res)).toMatchObject({ status: 500, code: 'InternalFailure', fault: 'Receiver' });
    expect(res.body).not.toMatch(/secret|Error:|\bat /);
  });

  it('answers a write the store refused (full disk, busy database) with a retryable 503 ServiceUnavailable', async () => {
    await start();
    const res = await call('TagQueue', { QueueUrl: 'http://h/0/q' });
    expect(errorOf(protocol, res)).toMatchObject({ status: 503, code: 'ServiceUnavailable', fault: 'Receiver' });
    expect(res.body).toContain('The request could not be stored (the disk is full); retry it.');
    expect(res.body).not.toMatch(/secret|SQLITE/);
  });

  it('answers an oversize body with 413 RequestEntityTooLarge in its own protocol', async () => {
    await start({ maxRequestBodyBytes: 256 });
    const res = await call('SendMessage', { QueueUrl: 'http://h/0/q', MessageBody: 'x'.repeat(300) });
    expect(errorOf(protocol, res)).toEqual({
      status: 413,
      code: 'RequestEntityTooLarge',
      fault: 'Sender',
      message: 'Request body must be no longer than 256 bytes.',
    });
    expect(res.body).not.toContain('FST_');
  });

  it('rejects an unknown action with InvalidAction', async () => {
    await start();
    const res = await call('FooBar', {});
    expect(errorOf(protocol, res)).toMatchObject({
      status: 400,
      code: 'InvalidAction',
      message: 'The action FooBar is not valid for this endpoint.',
    });
    if (protocol === 'json') expect(res.json().__type).toBe('com.amazon.coral.service#UnknownOperationException');
  });

  it('takes the QueueUrl from the queue path when the request has none', async () => {
    await start();
    const res = await call('SendMessage', { MessageBody: 'hi' }, '/000000000000/q1');
    expect(res.statusCode).toBe(200);
    expect(seen[0]?.input).toMatchObject({ QueueUrl: 'http://localhost:80/000000000000/q1' });
  });

  it('prefers the QueueUrl parameter over the path', async () => {
    await start();
    await call('SendMessage', { QueueUrl: 'http://h/0/from-param', MessageBody: 'hi' }, '/000000000000/q1');
    expect(seen[0]?.input).toMatchObject({ QueueUrl: 'http://h/0/from-param' });
  });

  it('omits empty output members in JSON but always emits the XML Result element', async () => {
    await start();
    const res = await call('ReceiveMessage', { QueueUrl: 'http://h/0/q' });
    if (protocol === 'json') expect(res.body).toBe('{}');
    else expect(res.body).toContain('<ReceiveMessageResult/>');
  });
});

describe('JSON protocol specifics', () => {
  it('always emits the required queueUrls of ListDeadLetterSourceQueues', async () => {
    await start();
    const res = await PROTOCOLS.json('ListDeadLetterSourceQueues', { QueueUrl: 'http://h/0/dlq' });
    expect(res.body).toBe('{"queueUrls":[]}');
  });

  it.each(['{"MessageBody":', '[1,2]', 'not json'])('answers malformed JSON %j with a SerializationException', async (payload) => {
    await start();
    const res = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-amzn-query-error']).toBe('SerializationException;Sender');
    expect(res.json().__type).toBe('com.amazon.coral.service#SerializationException');
  });

  it('ignores the path: CreateQueue posted to a queue URL still works', async () => {
    await start();
    const res = await PROTOCOLS.json('CreateQueue', { QueueName: 'q2' }, '/000000000000/q1');
    expect(res.json()).toEqual({ QueueUrl: 'http://localhost:80/000000000000/q2' });
  });

  it('dispatches a JSON request posted to any other path', async () => {
    await start();
    const res = await PROTOCOLS.json('CreateQueue', { QueueName: 'q3' }, '/some/deeper/path/than/routes');
    expect(res.json()).toEqual({ QueueUrl: 'http://localhost:80/000000000000/q3' });
  });

  it('accepts a charset parameter on the content type', async () => {
    await start();
    const res = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0; charset=utf-8', 'x-amz-target': 'AmazonSQS.CreateQueue' },
      payload: '{"QueueName":"q"}',
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('Query protocol specifics', () => {
  it('serves a GET with parameters in the query string on a queue URL', async () => {
    await start();
    const res = await app.inject({
      method: 'GET',
      url: '/123456789012/MyQueue?Action=SendMessage&MessageBody=Your%20message%20text&Version=2012-11-05',
      headers: { host: 'localhost:9324' },
    });
    expect(res.statusCode).toBe(200);
    expect(seen[0]?.input).toEqual({ QueueUrl: 'http://localhost:9324/123456789012/MyQueue', MessageBody: 'Your message text' });
  });

  it('builds queue URLs on the configured base URL when there is one', async () => {
    await start({ baseUrl: 'https://sqs.example.com/' });
    await PROTOCOLS.query('SendMessage', { MessageBody: 'hi' }, '/000000000000/q1');
    expect(seen[0]?.request.baseUrl).toBe('https://sqs.example.com');
    expect(seen[0]?.input).toMatchObject({ QueueUrl: 'https://sqs.example.com/000000000000/q1' });
  });

  it.each(['CreateQueue', 'ListQueues'])('rejects %s on a queue URL path with InvalidAction', async (action) => {
    await start();
    const res = await PROTOCOLS.query(action, { QueueName: 'q2' }, '/000000000000/q1');
    expect(errorOf('query', res)).toMatchObject({ status: 400, code: 'InvalidAction', message: `The action ${action} is not valid for this endpoint.` });
  });

  it('accepts the /queue/<region>/<account>/<name> path form', async () => {
    await start();
    await PROTOCOLS.query('SendMessage', { MessageBody: 'hi' }, '/queue/us-east-1/000000000000/q1');
    expect(seen[0]?.input).toMatchObject({ QueueUrl: 'http://localhost:80/000000000000/q1' });
  });

  it('decodes a form body sent with an unknown content type instead of answering 415', async () => {
    await start();
    const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'text/plain' }, payload: 'Action=CreateQueue&QueueName=q' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<QueueUrl>http://localhost:80/000000000000/q</QueueUrl>');
  });

  it.each([
    ['GET on a queue URL', { method: 'GET' as const, url: '/000000000000/q1' }],
    ['POST without Action', { method: 'POST' as const, url: '/', payload: 'QueueName=q', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
    ['an unknown path', { method: 'GET' as const, url: '/a/b/c/d/e/f' }],
  ])('answers %s with 404 <UnknownOperationException/>', async (_case, request) => {
    await start();
    const res = await app.inject(request);
    expect(res.statusCode).toBe(404);
    expect(res.body).toBe('<UnknownOperationException/>');
  });
});

describe('request context', () => {
  it('passes the access key id, trace header and base URL to the handler', async () => {
    await start();
    await app.inject({
      method: 'POST',
      url: '/',
      headers: {
        host: 'localhost:9324',
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abc',
        'x-amzn-trace-id': 'Root=1-abc',
      },
      payload: 'Action=SendMessage&QueueUrl=u&MessageBody=hi',
    });
    expect(seen[0]?.request).toMatchObject({ baseUrl: 'http://localhost:9324', senderId: 'AKIDEXAMPLE', traceHeader: 'Root=1-abc' });
    expect(seen[0]?.request.signal.aborted).toBe(false);
  });

  it('uses the account id as sender when the request is unsigned', async () => {
    await start();
    await PROTOCOLS.json('SendMessage', { QueueUrl: 'u', MessageBody: 'hi' });
    expect(seen[0]?.request).toMatchObject({ senderId: '000000000000', traceHeader: undefined });
  });

  it('aborts the request signal when the client disconnects during a long poll', async () => {
    // given: a receive parked until its signal aborts, on a real socket
    const hooks: Hooks = {};
    const started = new Promise<AbortSignal>((resolve) => {
      hooks.longPoll = resolve;
    });
    await start({}, hooks);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const req = httpRequest({ port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    req.on('error', () => {});
    req.end('Action=ReceiveMessage&QueueUrl=u');
    const signal = await started;
    expect(signal.aborted).toBe(false);
    // when: the client goes away before an answer
    req.destroy();
    // then
    await new Promise((resolve) => (signal.aborted ? resolve(undefined) : signal.addEventListener('abort', resolve, { once: true })));
    expect(signal.aborted).toBe(true);
  });
});

describe('GET /health', () => {
  it('is ok when storage answers', async () => {
    await start();
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('is unavailable when storage throws', async () => {
    await start({ ping: async () => Promise.reject(new Error('disk gone')) });
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable' });
  });
});
