import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// The web console's login under --auth sigv4. A browser cannot sign SigV4 itself, so it signs in once with
// an access key and secret and gets a session cookie: `<payload>.<HMAC>`, the payload naming the access key
// and the expiry, the HMAC keyed by a secret made at startup (so a restart ends every session). The cookie is
// HttpOnly and SameSite=Strict, and an SQS call made with it must also carry X-Wharf-Console, a header a
// cross-site form cannot send, so another site cannot act through a signed-in browser.

export const SESSION_COOKIE = 'wharf_session';
export const CONSOLE_HEADER = 'x-wharf-console';
export const SESSION_MS = 8 * 3600 * 1000;

export class ConsoleSessions {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  /** The Set-Cookie value for a signed-in key. */
  cookieFor(accessKeyId: string, secure: boolean): string {
    const payload = Buffer.from(JSON.stringify({ k: accessKeyId, e: this.now() + SESSION_MS })).toString('base64url');
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${SESSION_MS / 1000}`, ...(secure ? ['Secure'] : [])];
    return [`${SESSION_COOKIE}=${payload}.${this.mac(payload)}`, ...attributes].join('; ');
  }

  /** The Set-Cookie value that signs out. */
  static cleared(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  /** The access key a request's session cookie names, if the cookie is ours and unexpired. */
  accessKeyOf(cookieHeader: string | undefined): string | undefined {
    const token = cookieHeader
      ?.split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith(`${SESSION_COOKIE}=`))
      ?.slice(SESSION_COOKIE.length + 1);
    const dot = token?.indexOf('.') ?? -1;
    if (!token || dot < 0) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const { k, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k?: unknown; e?: unknown };
      return typeof k === 'string' && typeof e === 'number' && e > this.now() ? k : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

