import type { IncomingHttpHeaders } from 'node:http';
import type { SqsError } from '../core/errors.js';

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

// URLSearchParams implements application/x-www-form-urlencoded: `+` and `%20` both decode to a
// space (botocore sends `+`, JS v2 `%20`), and bad percent escapes are kept literally instead of throwing.
function parseForm(url: string, body: Buffer): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  const queryStart = url.indexOf('?');
  if (queryStart >= 0) assign(params, url.slice(queryStart + 1));
  if (body.length > 0) assign(params, body.toString('utf8'));
  return params;
}

function assign(target: Record<string, string>, encoded: string): void {
  for (const [name, value] of new URLSearchParams(encoded)) target[name] = value;
}
