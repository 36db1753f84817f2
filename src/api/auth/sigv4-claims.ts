import type { IncomingHttpHeaders } from 'node:http';
import { SqsErrors } from '../../core/errors.js';

// What a request claims about its signature, read from the Authorization header or a presigned query
// string, before any secret is looked at. Malformed claims are IncompleteSignature (400), worded as AWS's
// coral front end words them (README "Security", error table).

export const ALGORITHM = 'AWS4-HMAC-SHA256';

export interface SignatureClaims {
  accessKeyId: string;
  /** `yyyymmdd/region/service/aws4_request`, as sent. */
  scope: string;
  scopeDate: string;
  scopeRegion: string;
  scopeService: string;
  scopeTerm: string;
  /** Lower-case header names, in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
  /** The request time, `yyyymmddThhmmssZ`. */
  longDate: string;
  signedAt: number;
  /** Presigned only: X-Amz-Expires in seconds. */
  expiresSeconds?: number;
  presigned: boolean;
  /** X-Amz-Security-Token: Wharf issues no temporary credentials, so any token is unknown. */
  securityToken?: string;
}

/** The raw query string's parameters, form-decoded (`+` is a space, as the Query decoder reads them). */
export function queryParams(url: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  const start = url.indexOf('?');
  if (start < 0) return params;
  for (const pair of url.slice(start + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = formDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : formDecode(pair.slice(eq + 1));
    const values = params.get(name);
    if (values) values.push(value);
    else params.set(name, [value]);
  }
  return params;
}

function formDecode(text: string): string {
  const spaced = text.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A bad escape is kept literally; it then cannot match what the client signed, or it is theirs to sign.
    return spaced;
  }
}

export function hasSignature(headers: IncomingHttpHeaders, query: Map<string, string[]>): boolean {
  return headers.authorization !== undefined || query.has('X-Amz-Algorithm');
}

/** Reads the claims; throws MissingAuthenticationToken or IncompleteSignature. */
export function readClaims(headers: IncomingHttpHeaders, query: Map<string, string[]>): SignatureClaims {
  const authorization = headers.authorization;
  const presigned = query.has('X-Amz-Algorithm');
  if (authorization !== undefined && presigned) {
    throw SqsErrors.signatureDoesNotMatch("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  }
  if (authorization !== undefined) return headerClaims(authorization, headers);
  if (presigned) return queryClaims(query);
  throw SqsErrors.missingAuthenticationToken();
}

function headerClaims(authorization: string, headers: IncomingHttpHeaders): SignatureClaims {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    // SigV2 (`AWS AKID:sig`) and anything else: no SigV4 token at all.
    if (!algorithm.startsWith('AWS4-')) throw SqsErrors.missingAuthenticationToken();
    throw SqsErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${printableClaim(algorithm)}'`);
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !fields.get(name));
  const amzDate = single(headers['x-amz-date']);
  const httpDate = single(headers.date);
  const problems = missing.map((name) => `Authorization header requires '${name}' parameter.`);
  if (amzDate === undefined && httpDate === undefined) {
    problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (problems.length > 0) throw SqsErrors.incompleteSignature(`${problems.join(' ')} Authorization=${printableClaim(authorization)}`);
  const { longDate, signedAt } = amzDate !== undefined ? parseAmzDate(amzDate) : parseHttpDate(httpDate!);
  return {
    ...credentialScope(fields.get('Credential')!),
    signedHeaders: fields.get('SignedHeaders')!.split(';'),
    signature: fields.get('Signature')!,
    longDate,
    signedAt,
    presigned: false,
    securityToken: single(headers['x-amz-security-token']),
  };
}

const QUERY_FIELDS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

function queryClaims(query: Map<string, string[]>): SignatureClaims {
  const one = (name: string) => {
    const values = query.get(name);
    return values?.length === 1 && values[0] !== '' ? values[0] : undefined;
  };
  const missing = QUERY_FIELDS.filter((name) => one(name) === undefined);
  if (missing.length > 0) {
    const problems = missing.map((name) => `AWS query-string parameters must include '${name}'.`);
    throw SqsErrors.incompleteSignature(`${problems.join(' ')} Re-examine the query-string parameters.`);
  }
  if (one('X-Amz-Algorithm') !== ALGORITHM) {
    throw SqsErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${printableClaim(one('X-Amz-Algorithm')!)}'`);
  }
  const expires = one('X-Amz-Expires');
  const expiresSeconds = expires === undefined ? undefined : Number(expires);
  if (expiresSeconds !== undefined && !(Number.isInteger(expiresSeconds) && expiresSeconds >= 1 && expiresSeconds <= MAX_PRESIGNED_SECONDS)) {
    throw SqsErrors.incompleteSignature(
      `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_SECONDS}. Re-examine the query-string parameters.`,
    );
  }
  return {
    ...credentialScope(one('X-Amz-Credential')!),
    signedHeaders: one('X-Amz-SignedHeaders')!.split(';'),
    signature: one('X-Amz-Signature')!,
    ...parseAmzDate(one('X-Amz-Date')!),
    expiresSeconds,
    presigned: true,
    securityToken: one('X-Amz-Security-Token'),
  };
}

type Scope = Pick<SignatureClaims, 'accessKeyId' | 'scope' | 'scopeDate' | 'scopeRegion' | 'scopeService' | 'scopeTerm'>;

function credentialScope(credential: string): Scope {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) {
    throw SqsErrors.incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${printableClaim(credential)}'`,
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, scopeTerm] = parts as [string, string, string, string, string];
  return { accessKeyId, scope: parts.slice(1).join('/'), scopeDate, scopeRegion, scopeService, scopeTerm };
}

const BASIC_FORMAT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseAmzDate(text: string): { longDate: string; signedAt: number } {
  const match = BASIC_FORMAT.exec(text);
  const signedAt = match
    ? Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!)
    : Number.NaN;
  if (!match || Number.isNaN(signedAt) || formatLongDate(signedAt) !== text) {
    throw SqsErrors.incompleteSignature(
      `Date must be in ISO-8601 'basic format'. Got '${printableClaim(text)}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  return { longDate: text, signedAt };
}

function parseHttpDate(text: string): { longDate: string; signedAt: number } {
  const signedAt = Date.parse(text);
  if (Number.isNaN(signedAt)) {
    throw SqsErrors.incompleteSignature(`Date must be in RFC 1123 or ISO-8601 'basic format'. Got '${printableClaim(text)}'.`);
  }
  const whole = Math.floor(signedAt / 1000) * 1000;
  return { longDate: formatLongDate(whole), signedAt: whole };
}

/** epoch ms → `yyyymmddThhmmssZ`. */
export function formatLongDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Client text quoted back in an error: bounded, and never the part after `Signature=` in full. */
function printableClaim(text: string): string {
  return text.length > 512 ? `${text.slice(0, 512)}...` : text;
}
