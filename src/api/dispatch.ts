import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ActionDef } from '../actions/define-action.js';
import type { ActionContext, RequestContext, Services } from '../core/context.js';
import { SqsError, SqsErrors } from '../core/errors.js';
import { isJsonRequest, jsonProtocol } from './json-protocol.js';
import { measureAction } from './measure-action.js';
import { createWireRequest, type WireProtocol, type WireRequest, type WireResponse } from './protocol.js';
import { queryProtocol } from './query/query-protocol.js';
import { UNKNOWN_OPERATION_XML } from './query/xml.js';

// detect protocol → decode → registry lookup → zod parse → handler → encode. The only place that catches
// errors: SqsError goes to the protocol's encoder, anything else is logged and becomes InternalFailure.

export interface DispatchOptions {
  services: Services;
  actions: Record<string, ActionDef<any, any>>;
  /** Public origin for queue URLs; defaults to the request's scheme and Host header. */
  baseUrl?: string;
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
  let log: FastifyBaseLogger = request.log;
  try {
    const action = protocol.readAction(wire);
    if (action === undefined) return sendUnknownOperation(request, reply);
    log = request.log.child({ action, protocol: protocol.name });
    // Metrics: the one hook of observability in dispatch (api/measure-action.ts); the arguments are evaluated
    // left to right, so the start time is taken before the action runs.
    const response = await measureAction(options, action, performance.now(), runAction(request, reply, options, { wire, protocol, action, log }));
    send(reply, response);
  } catch (error) {
    send(reply, encodeFailure(error, protocol, request, log));
  }
}

interface Call {
  wire: WireRequest;
  protocol: WireProtocol;
  action: string;
  log: FastifyBaseLogger;
}

async function runAction(
  request: FastifyRequest,
  reply: FastifyReply,
  options: DispatchOptions,
  { wire, protocol, action, log }: Call,
): Promise<WireResponse> {
  const def = Object.hasOwn(options.actions, action) ? options.actions[action] : undefined;
  const { accountId, queueName } = request.params as QueuePathParams;
  const onQueuePath = accountId !== undefined && queueName !== undefined;
  if (!def || (protocol.name === 'query' && onQueuePath && NOT_ON_QUEUE_PATH.has(action))) {
    throw SqsErrors.invalidAction(action);
  }
  const context = requestContext(request, reply, options);
  const input = protocol.decode(action, wire);
  // Java SDK v1 drops the QueueUrl parameter and posts to the queue's path instead; the parameter wins.
  if (onQueuePath && input.QueueUrl === undefined) input.QueueUrl = `${context.baseUrl}/${accountId}/${queueName}`;
  log.debug({ queueUrl: input.QueueUrl }, 'dispatch');
  const parsed = def.input(options.services.limits).safeParse(input);
  if (!parsed.success) throw toSqsError(parsed.error, input);
  const ctx: ActionContext = { ...options.services, log, request: context };
  const output: object = await def.run(parsed.data, ctx);
  return protocol.encodeResult(action, output, request.id);
}

function requestContext(request: FastifyRequest, reply: FastifyReply, options: DispatchOptions): RequestContext {
  const controller = new AbortController();
  // A long poll must stop waiting when its client goes away, but not after we have answered.
  // writableEnded (end() called) rather than writableFinished: the latter stays false under inject()'s
  // mock socket, and once we have answered the handler is done either way.
  reply.raw.on('close', () => {
    if (!reply.raw.writableEnded) controller.abort();
  });
  const trace = request.headers['x-amzn-trace-id'];
  return {
    baseUrl: (options.baseUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, ''),
    signal: controller.signal,
    traceHeader: typeof trace === 'string' && trace !== '' ? trace : undefined,
    senderId: accessKeyId(request.headers.authorization) ?? options.services.identity.accountId,
  };
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
  if (value === undefined) return SqsErrors.missingParameter(name);
  // zod's own wording ("Invalid input: expected number, received string") is not AWS's; say what is wanted.
  const reason = issue.code === 'invalid_type' ? `Must be ${TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`}.` : issue.message;
  return SqsErrors.invalidParameter(name, typeof value === 'object' ? JSON.stringify(value) : value, reason);
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

function encodeFailure(error: unknown, protocol: WireProtocol, request: FastifyRequest, log = request.log): WireResponse {
  if (error instanceof SqsError) return protocol.encodeError(error, request.id);
  // Logged with its stack; the client only ever sees the generic InternalFailure.
  log.error({ err: error }, 'unhandled error');
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
  send(reply, encodeFailure(frameworkToSqsError(error, options), detectProtocol(wire), request));
}

function frameworkToSqsError(error: unknown, options: DispatchOptions): unknown {
  if (error instanceof SqsError || !(error instanceof Error)) return error;
  const { code, statusCode = 500 } = error as Partial<FastifyError>;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || statusCode === 413) {
    return SqsErrors.requestEntityTooLarge(options.services.limits.maxRequestBodyBytes);
  }
  return statusCode >= 400 && statusCode < 500 ? SqsErrors.malformedRequest(error.message) : error;
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
