import { createHash, createHmac, timingSafeEqual, type BinaryLike } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, HttpRequest, SourceData } from '@smithy/types';
import type { Credential } from '../../core/credentials.js';
import { ALGORITHM, type SignatureClaims } from './sigv4-claims.js';

// The expected signature is computed by AWS's own signer (@smithy/signature-v4, what JS v3 signs with)
// from the request as received: method, raw path, query string, the headers the client listed as signed
// (and only those), and the SHA-256 of the body bytes we read. We never trust X-Amz-Content-Sha256: were
// it taken as the payload hash, a tampered body under the original header would verify.

/** node:crypto behind smithy's Checksum interface (an HMAC when constructed with a secret). */
export class NodeSha256 implements Checksum {
  private hash;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBinary(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBinary(data: SourceData): BinaryLike {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

// The protected steps of the SDK signer, run on a request we did not build.
class Verifier extends SignatureV4 {
  async expected(request: HttpRequest, canonicalHeaders: Record<string, string>, payloadHash: string, claims: SignatureClaims) {
    const canonical = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const stringToSign = await this.createStringToSign(claims.longDate, claims.scope, canonical, ALGORITHM);
    return this.sign(stringToSign, { signingDate: new Date(claims.signedAt) });
  }
}

export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as on the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** True when the request's signature is the one `credential` produces; compared in constant time. */
export async function signatureMatches(
  request: ReceivedRequest,
  claims: SignatureClaims,
  query: Map<string, string[]>,
  credential: Credential,
  region: string,
): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/.test(claims.signature)) return false;
  const verifier = new Verifier({
    service: claims.scopeService,
    region,
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    sha256: NodeSha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const queryIndex = request.url.indexOf('?');
  const signable = {
    method: request.method,
    path: queryIndex < 0 ? request.url : request.url.slice(0, queryIndex),
    query: Object.fromEntries(query),
    headers: {},
  } as unknown as HttpRequest;
  const payloadHash = request.body.length === 0 ? EMPTY_SHA256 : createHash('sha256').update(request.body).digest('hex');
  const expected = await verifier.expected(signable, canonicalHeadersOf(request.headers, claims.signedHeaders), payloadHash, claims);
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(claims.signature, 'hex'));
}

// Only the listed headers, normalised as the SDK normalises them (trimmed, runs of spaces collapsed). A
// listed header the request lacks is left out, so the signature cannot match. Names are taken as listed:
// SigV4 lists them in lower case, and one in any other case (not a header Node can hold) cannot match either,
// so a SignedHeaders list is accepted in exactly one spelling.
function canonicalHeadersOf(headers: IncomingHttpHeaders, signedHeaders: readonly string[]): Record<string, string> {
  const listed: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = headers[name];
    if (value === undefined) continue;
    listed[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return getCanonicalHeaders({ headers: listed } as unknown as HttpRequest, undefined, new Set(Object.keys(listed)));
}
