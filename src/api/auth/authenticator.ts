import type { IncomingHttpHeaders } from 'node:http';
import type { Credential, Keyring } from '../../core/credentials.js';
import { SqsErrors } from '../../core/errors.js';
import { formatLongDate, queryParams, readClaims, type SignatureClaims } from './sigv4-claims.js';
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
  constructor(
    private readonly keyring: Keyring,
    private readonly region: string,
    /** Real time, not the test controls' virtual clock: signatures are dated by the client's wall clock. */
    private readonly now: () => number = Date.now,
  ) {}

  /** The checks that need no body; throws the SqsError AWS would answer. */
  precheck(headers: IncomingHttpHeaders, url: string): { claims: SignatureClaims; query: Map<string, string[]>; credential: Credential } {
    const query = queryParams(url);
    const claims = readClaims(headers, query);
    const credential = this.keyring.get(claims.accessKeyId);
    if (!credential || claims.securityToken !== undefined) throw SqsErrors.invalidClientTokenId();
    this.checkScope(claims);
    this.checkTime(claims);
    return { claims, query, credential };
  }

  async authenticate(request: ReceivedRequest): Promise<Caller> {
    const { claims, query, credential } = this.precheck(request.headers, request.url);
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
