import { isUtf8 } from 'node:buffer';
import { SqsErrors } from '../core/errors.js';
import { encodeJsonError, JSON_CONTENT_TYPE } from './error-encoding.js';
import type { WireProtocol, WireRequest } from './protocol.js';
import { requiredOutputMembers } from './query/shapes.js';

// AWS JSON 1.0 (reference §1.6–1.8). The canonical shape *is* this wire shape, so decoding is JSON.parse
// and encoding only drops what AWS omits.

const TARGET_PREFIX = 'AmazonSQS.';

export const jsonProtocol: WireProtocol = {
  name: 'json',

  readAction(request: WireRequest): string | undefined {
    const target = header(request, 'x-amz-target');
    if (target === undefined) return undefined;
    // A foreign target prefix is kept whole so it fails the registry lookup as an unknown action.
    return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
  },

  decode(_action: string, request: WireRequest): Record<string, unknown> {
    // JSON text is UTF-8 (RFC 8259); other bytes are refused rather than decoded to U+FFFD and stored.
    if (!isUtf8(request.body)) throw SqsErrors.malformedRequest('The request body is not valid UTF-8.');
    // Some clients send an empty body for member-less requests; AWS treats it as `{}`.
    const text = request.body.toString('utf8').trim();
    if (text === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw SqsErrors.malformedRequest('The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw SqsErrors.malformedRequest('The request body must be a JSON object.');
    }
    return parsed as Record<string, unknown>;
  },

  encodeResult(action: string, output: object, requestId: string) {
    const pruned = pruneEmpty(output) as Record<string, unknown>;
    const body = pruned === EMPTY ? {} : pruned;
    for (const name of requiredOutputMembers(action)) {
      const value = (output as Record<string, unknown>)[name];
      if (body[name] === undefined && value !== undefined && value !== null) body[name] = value;
    }
    return {
      status: 200,
      headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
      body: JSON.stringify(body),
    };
  },

  encodeError: encodeJsonError,
};

export function isJsonRequest(request: WireRequest): boolean {
  return header(request, 'x-amz-target') !== undefined;
}

function header(request: WireRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

// AWS omits absent and empty members: an empty receive is `{}`, a batch without failures has no
// `Failed` (reference §1.7). Never emit null. Array elements are kept even if empty. Objects are built
// without a prototype, so a member named `__proto__` (a message attribute's name is the client's) is an
// own property like any other, and plain assignment is safe (and much cheaper than defineProperty).
function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneEmpty);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = Object.create(null);
  let kept = 0;
  for (const name of Object.keys(value)) {
    const pruned = pruneEmpty((value as Record<string, unknown>)[name]);
    if (pruned === undefined || pruned === null || isEmptyContainer(pruned)) continue;
    out[name] = pruned;
    kept += 1;
  }
  return kept === 0 ? EMPTY : out;
}

/** What pruneEmpty returns for an object left with no members; its parent drops it. */
const EMPTY: Record<string, unknown> = Object.freeze(Object.create(null));

function isEmptyContainer(value: unknown): boolean {
  if (value === EMPTY) return true;
  if (Array.isArray(value)) return value.length === 0;
  return false;
}
