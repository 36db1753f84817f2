import type { IncomingHttpHeaders } from 'node:http';
import { isUtf8 } from 'node:buffer';
import { SqsErrors, type SqsError } from '../core/errors.js';

// One abstraction for both wire protocols (ElasticMQ's single request model): each protocol turns
// bytes into the canonical AWS-JSON-shaped input and the canonical output back into bytes.

/** The HTTP facts a protocol may read; nothing fastify-specific. */
export interface WireRequest {
  headers: IncomingHttpHeaders;
  /** Raw body bytes (empty for GET); kept raw so SigV4 can hash exactly what was sent. */
  body: Buffer;
  /** URL query string and form body merged, body winning on conflict (reference §1.2). Parsed once. */
  form(): Record<string, string>;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface WireProtocol {
  name: 'json' | 'query';
  /** The requested action, or undefined when the request names none. */
  readAction(request: WireRequest): string | undefined;
  /** Canonical (AWS JSON 1.0 shaped) input; may throw SqsError for undecodable bodies. */
  decode(action: string, request: WireRequest): Record<string, unknown>;
  encodeResult(action: string, output: object, requestId: string): WireResponse;
  encodeError(error: SqsError, requestId: string): WireResponse;
}

export function createWireRequest(headers: IncomingHttpHeaders, url: string, body: Buffer): WireRequest {
  let form: Record<string, string> | undefined;
  return {
    headers,
    body,
    form: () => (form ??= parseForm(url, body)),
  };
}

// application/x-www-form-urlencoded as URLSearchParams reads it (`+` and `%20` both decode to a space:
// botocore sends `+`, JS v2 `%20`; a bad percent escape is kept literally), with two refusals where
// URLSearchParams would guess: a name repeated within the query string or within the body is an error,
// not "last one wins" (`…&Action=DeleteQueue` appended to a SendMessage must not delete the queue), and
// bytes that are not UTF-8 are refused instead of becoming U+FFFD. A name in both the query string and
// the body is not a repeat: the body wins (reference §1.2).
function parseForm(url: string, body: Buffer): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  const queryStart = url.indexOf('?');
  const counter = { count: 0 };
  if (queryStart >= 0) assign(params, url.slice(queryStart + 1), counter);
  if (body.length > 0) {
    if (!isUtf8(body)) throw SqsErrors.invalidUtf8('(request body)');
    assign(params, body.toString('utf8'), counter);
  }
  return params;
}

// The largest legitimate request (SendMessageBatch: 10 entries with 10 attributes each) has about 600
// parameters. The cap bounds the work a single request can cost before decoding: about 50 ms at the
// cap on a slow machine, where a body limit's worth of `a=&` pairs would take seconds. It counts the
// query string and the body together and sits above 20,000 so that the 10,000-entry batch of the issue
// report still gets AWS's TooManyEntriesInBatchRequest.
export const MAX_QUERY_PARAMETERS = 25_000;

function assign(target: Record<string, string>, encoded: string, counter: { count: number }): void {
  const seen = new Set<string>();
  for (let start = 0; start <= encoded.length; ) {
    let end = encoded.indexOf('&', start);
    if (end < 0) end = encoded.length;
    const pair = encoded.slice(start, end);
    start = end + 1;
    if (pair === '') continue;
    if (++counter.count > MAX_QUERY_PARAMETERS) throw SqsErrors.tooManyParameters(MAX_QUERY_PARAMETERS);
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq), undefined);
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1), name);
    if (seen.has(name)) throw SqsErrors.duplicateParameter(name);
    seen.add(name);
    target[name] = value;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Form-decodes one name or value; `parameter` names the value for the error (undefined for a name). */
function decodeComponent(text: string, parameter: string | undefined): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A bad escape (kept literally) or bytes that are not UTF-8 (refused): decode byte by byte.
  }
  try {
    return utf8.decode(percentDecode(spaced));
  } catch {
    if (parameter !== undefined && /(^|\.)MessageBody$/.test(parameter)) throw SqsErrors.invalidMessageContents();
    throw SqsErrors.invalidUtf8(parameter ?? '(parameter name)');
  }
}

function percentDecode(text: string): Uint8Array {
  const source = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(source.length);
  let length = 0;
  for (let i = 0; i < source.length; i++) {
    const byte = source[i]!;
    const high = byte === 0x25 && i + 2 < source.length ? hexValue(source[i + 1]!) : -1;
    const low = high >= 0 ? hexValue(source[i + 2]!) : -1;
    if (low >= 0) {
      out[length++] = high * 16 + low;
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}
