import type { IncomingHttpHeaders } from 'node:http';
import type { Credential, Keyring } from '../../core/credentials.js';
import { SqsErrors } from '../../core/errors.js';
import { timingSafeEqual } from 'node:crypto';
import { CONSOLE_HEADER, ConsoleSessions } from './console-session.js';
import { formatLongDate, hasSignature, queryParams, readClaims, type SignatureClaims } from './sigv4-claims.js';
import { signatureMatches, type ReceivedRequest } from './sigv4-verify.js';

// --auth sigv4: every SQS request must carry a valid Signature Version 4 for service `sqs` and the
// server's region. The checks run in AWS's order, cheapest first, and the ones that need no body run
// before the body is read (precheck), so an unknown key or a stale request costs neither the upload nor
// any storage work.

/** AWS SQS accepts a request dated up to 15 minutes either side of its clock. */
export const ALLOWED_SKEW_MS = 15 * 60 * 1000;

export interface Caller {
  accessKeyId: string;
  accountId: string;
}

export class Authenticator {
  /** Web console sign-ins (console-session.ts). */
  readonly sessions: ConsoleSessions;

  constructor(
    private readonly keyring: Keyring,
    private readonly region: string,
    /** Real time, not the test controls' virtual clock: signatures are dated by the client's wall clock. */
    private readonly now: () => number = Date.now,
  ) {
    this.sessions = new ConsoleSessions(now);
  }

  /** The console's sign-in: the caller when the secret is the key's, compared in constant time. */
  login(accessKeyId: string, secretAccessKey: string): Caller | undefined {
    const credential = this.keyring.get(accessKeyId);
    const given = Buffer.from(secretAccessKey, 'utf8');
    const expected = Buffer.from(credential?.secretAccessKey ?? '', 'utf8');
    const same = given.length === expected.length && timingSafeEqual(given, expected);
    return credential && same ? { accessKeyId, accountId: credential.accountId } : undefined;
  }

  /** The caller a console session cookie stands for, while its key is still configured. */
  sessionCaller(cookieHeader: string | undefined): Caller | undefined {
    const accessKeyId = this.sessions.accessKeyOf(cookieHeader);
    const credential = accessKeyId === undefined ? undefined : this.keyring.get(accessKeyId);
    return credential && { accessKeyId: credential.accessKeyId, accountId: credential.accountId };
  }

  // An unsigned request from the console (X-Wharf-Console and a session cookie) is its signed-in caller.
  private consoleCaller(headers: IncomingHttpHeaders, query: Map<string, string[]>): Caller | undefined {
    if (headers[CONSOLE_HEADER] !== '1' || hasSignature(headers, query)) return undefined;
    return this.sessionCaller(headers.cookie);
  }

  /** The checks that need no body; throws the SqsError AWS would answer. */
  precheck(headers: IncomingHttpHeaders, url: string): { claims: SignatureClaims; query: Map<string, string[]>; credential: Credential } | { session: Caller } {
    const query = queryParams(url);
    const session = this.consoleCaller(headers, query);
    if (session) return { session };
    const claims = readClaims(headers, query);
    const credential = this.keyring.get(claims.accessKeyId);
    if (!credential || claims.securityToken !== undefined) throw SqsErrors.invalidClientTokenId();
    this.checkScope(claims);
    // X-Amz-Target picks the JSON action. Every SDK signs it; unsigned, one captured SendMessage could be
    // replayed as another action over the same body. (Wharf's own rule; AWS does not document one.)
    if (headers['x-amz-target'] !== undefined && !claims.signedHeaders.includes('x-amz-target')) {
      throw SqsErrors.signatureDoesNotMatch("'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.");
    }
    this.checkTime(claims);
    return { claims, query, credential };
  }

  async authenticate(request: ReceivedRequest): Promise<Caller> {
    const checked = this.precheck(request.headers, request.url);
    if ('session' in checked) return checked.session;
    const { claims, query, credential } = checked;
    if (!(await signatureMatches(request, claims, query, credential, this.region))) throw SqsErrors.signatureDoesNotMatch();
    return { accessKeyId: credential.accessKeyId, accountId: credential.accountId };
  }

  private checkScope(claims: SignatureClaims): void {
    const dateOfRequest = claims.longDate.slice(0, 8);
    if (claims.scopeDate !== dateOfRequest) {
      throw SqsErrors.signatureDoesNotMatch(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${claims.scopeDate}' != '${dateOfRequest}', from '${claims.longDate}'.`,
      );
    }
    if (claims.scopeRegion !== this.region) {
      throw SqsErrors.signatureDoesNotMatch(`Credential should be scoped to a valid region, not '${claims.scopeRegion}'. `);
    }
    if (claims.scopeService !== 'sqs') throw SqsErrors.signatureDoesNotMatch("Credential should be scoped to correct service: 'sqs'. ");
    if (claims.scopeTerm !== 'aws4_request') {
      throw SqsErrors.signatureDoesNotMatch(`Credential should be scoped with a valid terminator: 'aws4_request', not '${claims.scopeTerm}'. `);
    }
    if (!claims.signedHeaders.includes('host')) {
      throw SqsErrors.signatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }
  }

  // Header auth: 15 minutes either way, worded as AWS words it. Presigned: valid from 15 minutes before
  // X-Amz-Date until X-Amz-Expires seconds after it (15 minutes when absent).
  private checkTime(claims: SignatureClaims): void {
    const now = this.now();
    const stamp = (ms: number) => formatLongDate(Math.floor(ms / 1000) * 1000);
    if (claims.signedAt > now + ALLOWED_SKEW_MS) {
      throw SqsErrors.signatureDoesNotMatch(
        `Signature not yet current: ${claims.longDate} is still later than ${stamp(now + ALLOWED_SKEW_MS)} (${stamp(now)} + 15 min.)`,
      );
    }
    const lifetimeMs = claims.presigned && claims.expiresSeconds !== undefined ? claims.expiresSeconds * 1000 : ALLOWED_SKEW_MS;
    if (claims.signedAt < now - lifetimeMs) {
      const window = lifetimeMs === ALLOWED_SKEW_MS ? '15 min.' : `${lifetimeMs / 1000} sec.`;
      throw SqsErrors.signatureDoesNotMatch(
        `Signature expired: ${claims.longDate} is now earlier than ${stamp(now - lifetimeMs)} (${stamp(now)} - ${window})`,
      );
    }
  }
}
