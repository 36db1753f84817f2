import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ActionDef } from '../actions/define-action.js';
import type { ActionContext, RequestContext, Services } from '../core/context.js';
import type { Limits } from '../core/limits.js';
import type { Authenticator, Caller } from './auth/authenticator.js';
import { SqsError, SqsErrors, StoreUnavailable } from '../core/errors.js';
import { queueUrlParts } from '../core/queue-url.js';
import { isJsonRequest, jsonProtocol } from './json-protocol.js';
import { measureAction } from './measure-action.js';
import { createWireRequest, type WireProtocol, type WireRequest, type WireResponse } from './protocol.js';
import { queryProtocol } from './query/query-protocol.js';
import { checkQueuePath, printable } from './queue-path.js';
import { UNKNOWN_OPERATION_XML } from './query/xml.js';

// detect protocol → decode → registry lookup → zod parse → handler → encode. The only place that catches
// errors: SqsError goes to the protocol's encoder, anything else is logged and becomes InternalFailure.

export interface DispatchOptions {
  services: Services;
  actions: Record<string, ActionDef<any, any>>;
  /** Public origin for queue URLs; defaults to the request's scheme and Host header. */
  baseUrl?: string;
  /** --auth sigv4: verifies every request's signature before anything else; absent, any credentials pass. */
  auth?: Authenticator;
}

interface QueuePathParams {
  accountId?: string;
  queueName?: string;
}

// Query clients may not create or list queues at a queue URL (reference §1.3, recorded against AWS).
const NOT_ON_QUEUE_PATH = new Set(['CreateQueue', 'ListQueues']);

export function detectProtocol(wire: WireRequest): WireProtocol {
  return isJsonRequest(wire) ? jsonProtocol : queryProtocol;
}

export async function dispatch(request: FastifyRequest, reply: FastifyReply, options: DispatchOptions): Promise<void> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const wire = createWireRequest(request.headers, request.url, body);
  const protocol = detectProtocol(wire);
  let action: string | undefined;
  try {
    // Authentication comes first: a request that fails it is answered before any decoding or storage work.
    const caller = options.auth
      ? await options.auth.authenticate({ method: request.method, url: request.url, headers: request.headers, body })
      : undefined;
    // AWS JSON 1.0 is POST only; a GET naming a target runs nothing.
    if (protocol.name === 'json' && request.method !== 'POST') throw SqsErrors.unknownOperation();
    action = protocol.readAction(wire);
    if (action === undefined) return sendUnknownOperation(request, reply);
    // Metrics: the one hook of observability in dispatch (api/measure-action.ts); the arguments are evaluated
    // left to right, so the start time is taken before the action runs.
    const response = await measureAction(
      options,
      action,
      performance.now(),
      runAction(request, reply, options, { wire, protocol, action, log: request.log, caller }),
    );
    send(reply, response);
  } catch (error) {
    send(reply, encodeFailure(error, protocol, request, action));
  }
}

interface Call {
  wire: WireRequest;
  protocol: WireProtocol;
  action: string;
  log: FastifyBaseLogger;
  /** The verified caller under --auth sigv4. */
  caller: Caller | undefined;
}

async function runAction(
  request: FastifyRequest,
  reply: FastifyReply,
  options: DispatchOptions,
  { wire, protocol, action, log, caller }: Call,
): Promise<WireResponse> {
  const def = Object.hasOwn(options.actions, action) ? options.actions[action] : undefined;
  const { accountId, queueName } = request.params as QueuePathParams;
  const onQueuePath = accountId !== undefined && queueName !== undefined;
  if (onQueuePath) checkQueuePath(request.url, accountId, queueName);
  if (!def || (protocol.name === 'query' && onQueuePath && NOT_ON_QUEUE_PATH.has(action))) {
    throw SqsErrors.invalidAction(action);
  }
  const context = new HttpRequestContext(request, reply, options, caller);
  const input = protocol.decode(action, wire);
  // Java SDK v1 drops the QueueUrl parameter and posts to the queue's path instead; the parameter wins.
  if (onQueuePath && input.QueueUrl === undefined) {
    input.QueueUrl = `${context.baseUrl}/${encodeURIComponent(accountId)}/${encodeURIComponent(queueName)}`;
  }
  if (debugEnabled(log)) log.debug({ action, protocol: protocol.name, queueUrl: input.QueueUrl }, 'dispatch');
  // Test controls: an injected fault answers before validation, as AWS throttles before it reads the request.
  const faults = options.services.faults;
  if (faults?.active) await faults.before(action, queueNamed(input));
  const parsed = inputSchema(def, options.services.limits).safeParse(input);
  if (!parsed.success) throw toSqsError(parsed.error, input);
  const ctx = actionContext(options.services, log, context);
  const output: object = await def.run(parsed.data, ctx);
  return protocol.encodeResult(action, output, request.id);
}

// The queue a request is about, for faults limited to one queue: its QueueUrl, or CreateQueue's QueueName.
function queueNamed(input: Record<string, unknown>): string | null {
  if (typeof input.QueueUrl === 'string') return queueUrlParts(input.QueueUrl)?.name ?? null;
  return typeof input.QueueName === 'string' ? input.QueueName : null;
}

// Schemas depend only on the server limits, so each is built once per (limits, action) instead of per request
// (building a zod object schema costs more than parsing a small input with it).
const schemaCache = new WeakMap<Limits, Map<ActionDef<any, any>, z.ZodType>>();

function inputSchema(def: ActionDef<any, any>, limits: Limits): z.ZodType {
  let byAction = schemaCache.get(limits);
  if (!byAction) schemaCache.set(limits, (byAction = new Map()));
  const cached = byAction.get(def);
  if (cached) return cached;
  const schema: z.ZodType = def.input(limits);
  byAction.set(def, schema);
  return schema;
}

/** pino's isLevelEnabled, which fastify's logger type omits: lets a hot path skip building a debug line. */
export function debugEnabled(log: FastifyBaseLogger): boolean {
  const check = (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return check ? check.call(log, 'debug') : true;
}

/**
 * Every field listed, not `{ ...services, log, request }`: under V8 in Node 20, objects made by a spread
 * followed by more properties survive young-generation collections and get promoted, and with them what
 * they point to (this request's logger and context), until a full collection (README "Where the time
 * goes"). The mapped type makes a Services field added later a compile error here until it is passed on.
 */
function actionContext(services: Services, log: FastifyBaseLogger, request: RequestContext): ActionContext {
  const ctx: { [K in keyof Required<ActionContext>]: ActionContext[K] } = {
    storage: services.storage,
    clock: services.clock,
    limits: services.limits,
    waiters: services.waiters,
    identity: services.identity,
    log,
    onMoveTaskChanged: services.onMoveTaskChanged,
    metrics: services.metrics,
    lifecycle: services.lifecycle,
    faults: services.faults,
    request,
  };
  return ctx;
}

/**
 * A class, not an object literal with a `get signal()` closure: under V8 in Node 20, such a literal made per
 * request kept the request's objects (request, reply, parsed input) alive through young-generation
 * collections until a full one. Measured on SendMessage: each scavenge copied ~1.8 MB instead of ~7 KB.
 */
class HttpRequestContext implements RequestContext {
  readonly baseUrl: string;
  readonly traceHeader: string | undefined;
  readonly senderId: string;
  readonly accountId: string;
  // Only a long poll asks for the signal, so the controller and its listener are made on first use.
  private controller: AbortController | undefined;

  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
    options: DispatchOptions,
    caller: Caller | undefined,
  ) {
    const trace = request.headers['x-amzn-trace-id'];
    this.baseUrl = (options.baseUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
    this.traceHeader = typeof trace === 'string' && trace !== '' ? trace : undefined;
    // Verified under --auth sigv4; otherwise whatever key the client signed with, unchecked (README "Security").
    this.senderId = caller?.accessKeyId ?? accessKeyId(request.headers.authorization) ?? options.services.identity.accountId;
    this.accountId = caller?.accountId ?? options.services.identity.accountId;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = (this.controller = new AbortController());
      const reply = this.reply;
      // A long poll must stop waiting when its client goes away, but not after we have answered.
      // writableEnded (end() called) rather than writableFinished: the latter stays false under inject()'s
      // mock socket, and once we have answered the handler is done either way.
      const disconnected = () => {
        if (!reply.raw.writableEnded) controller.abort();
      };
      if (reply.raw.destroyed || this.request.raw.socket?.destroyed) disconnected();
      else reply.raw.on('close', disconnected);
    }
    return this.controller.signal;
  }
}

// `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/sqs/aws4_request, ...` (reference §8).
function accessKeyId(authorization: string | undefined): string | undefined {
  return authorization?.match(/Credential=([^/,\s]+)\//)?.[1];
}

// One mapping for every schema failure. A member that is absent is MissingParameter; anything else is
// InvalidParameterValue whose reason is the schema's own message (AWS's "Reason" text). An SqsError
// thrown from inside a refinement escapes safeParse and reaches the caller unchanged.
function toSqsError(error: z.ZodError, input: unknown): SqsError {
  const issue = error.issues[0];
  if (!issue) return SqsErrors.invalidParameterValue('The request is invalid.');
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  // List positions are 1-based on the wire (Entries.1.Id), as clients number them.
  const name = path.map((key) => (typeof key === 'number' ? String(key + 1) : String(key))).join('.');
  const value = valueAt(input, path);
  if (value === undefined) return SqsErrors.missingParameter(printable(name));
  // zod's own wording ("Invalid input: expected number, received string") is not AWS's; say what is wanted.
  const reason = issue.code === 'invalid_type' ? `Must be ${TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`}.` : issue.message;
  return SqsErrors.invalidParameter(printable(name), describeValue(value), reason);
}

// The value quoted back in InvalidParameterValue, bounded. JSON.stringify of a value nested thousands
// deep throws RangeError (it was a 500); such a structure is summarised instead.
function describeValue(value: unknown): string {
  if (typeof value !== 'object' || value === null) return printable(String(value));
  try {
    return printable(JSON.stringify(value));
  } catch {
    return Array.isArray(value) ? '[list]' : '{structure}';
  }
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  array: 'a list',
  object: 'a structure',
  record: 'a map',
  boolean: 'a boolean',
};

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function encodeFailure(error: unknown, protocol: WireProtocol, request: FastifyRequest, action?: string): WireResponse {
  if (error instanceof SqsError) return protocol.encodeError(error, request.id);
  if (error instanceof StoreUnavailable) {
    request.log.warn({ err: error, action }, 'store unavailable; answered ServiceUnavailable');
    return protocol.encodeError(SqsErrors.serviceUnavailable(`The request could not be stored (${error.reason}); retry it.`), request.id);
  }
  // Logged with its stack; the client only ever sees the generic InternalFailure.
  request.log.error({ err: error, action, protocol: protocol.name }, 'unhandled error');
  return protocol.encodeError(SqsErrors.internalFailure(), request.id);
}

/**
 * fastify's error handler: failures raised before dispatch (body over bodyLimit, unreadable bodies) are
 * answered in the request's protocol instead of fastify's default JSON.
 */
export function handleFrameworkError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  options: DispatchOptions,
): void {
  const wire = createWireRequest(request.headers, request.url, Buffer.alloc(0));
  // Client faults raised by fastify (bad URL, body too large) are routine: the cause goes to the log at
  // debug, the client gets only the SQS error. Anything else is logged as an error by encodeFailure.
  const mapped = frameworkToSqsError(error, request, options);
  if (mapped instanceof SqsError) request.log.debug({ err: error }, 'framework error answered as an SQS error');
  send(reply, encodeFailure(mapped, detectProtocol(wire), request));
}

function frameworkToSqsError(error: unknown, request: FastifyRequest, options: DispatchOptions): unknown {
  if (error instanceof SqsError || !(error instanceof Error)) return error;
  const { code, statusCode = 500 } = error as Partial<FastifyError>;
  if (code === 'FST_ERR_BAD_URL' || code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return SqsErrors.invalidAddress(printable(request.url.split('?', 1)[0] ?? ''));
  }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || statusCode === 413) {
    return SqsErrors.requestEntityTooLarge(options.services.limits.maxRequestBodyBytes);
  }
  return statusCode >= 400 && statusCode < 500 ? SqsErrors.malformedRequest(error.message) : error;
}

/** An error raised outside an action (shutdown, a method that runs none), in the request's protocol. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: SqsError): void {
  const wire = createWireRequest(request.headers, request.url, Buffer.alloc(0));
  send(reply, detectProtocol(wire).encodeError(error, request.id));
}

/** 404 `<UnknownOperationException/>`: what AWS answers when a request names no action (reference §1.2). */
export function sendUnknownOperation(request: FastifyRequest, reply: FastifyReply): void {
  send(reply, {
    status: 404,
    headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': request.id },
    body: UNKNOWN_OPERATION_XML,
  });
}

// Sent as bytes: given a string with a JSON media type, fastify would append `; charset=utf-8` to
// AWS's exact `application/x-amz-json-1.0`.
function send(reply: FastifyReply, response: WireResponse): void {
  reply.code(response.status).headers(response.headers).send(Buffer.from(response.body, 'utf8'));
}
