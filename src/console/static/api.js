// Two ways to reach Wharf: every change is an SQS action over the AWS JSON 1.0 protocol (the same actions
// any SDK calls), and reads that SQS has no action for (peek, counts of all queues) use /console/api/.

export class SqsError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

export async function sqs(action, params = {}) {
  const response = await fetch('/', {
    method: 'POST',
    // X-Wharf-Console: with authentication on, the session cookie stands in for a signature only on requests
    // carrying this header, which a page on another site cannot add.
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AmazonSQS.${action}`, 'X-Wharf-Console': '1' },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const code = String(body.__type ?? response.status).split('#').pop();
    throw new SqsError(code, body.message ?? body.Message ?? `${action} failed (${response.status})`);
  }
  return body;
}

export async function read(path) {
  const response = await fetch(`/console/api/${path}`, { headers: { Accept: 'application/json' } });
  if (response.status === 401) throw new SqsError('NotSignedIn', 'Sign in to continue.');
  if (!response.ok) throw new SqsError(String(response.status), `${path}: HTTP ${response.status}`);
  return response.json();
}

/** Any URL whose last path segment is the name works as a QueueUrl; this is the one Wharf itself returns. */
export const queueUrl = (accountId, name) => `${location.origin}/${accountId}/${encodeURIComponent(name)}`;

/** Sign-in under --auth sigv4; resolves false when the key or secret is wrong. */
export async function signIn(accessKeyId, secretAccessKey) {
  const response = await fetch('/console/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ accessKeyId, secretAccessKey }),
  });
  return response.ok;
}

export const signOut = () => fetch('/console/logout', { method: 'POST' });
