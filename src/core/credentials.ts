// The keys --auth sigv4 accepts. Each access key belongs to one account; Wharf has no IAM users or roles,
// so a key stands for its account's root principal (README "Security").

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
}

/** Access key id → credential; built once at startup. */
export type Keyring = ReadonlyMap<string, Credential>;

// AWS access key ids are 16–128 word characters; we allow a little more (`-`, `.`) for hand-made keys, but
// never `/` (it ends the id inside a SigV4 Credential), `:` or `,` (separators of WHARF_CREDENTIALS).
const ACCESS_KEY_ID = /^[A-Za-z0-9_.-]{3,128}$/;
const ACCOUNT_ID = /^\d{12}$/;

export type KeyringResult = { keyring: Keyring } | { error: string };

/**
 * Checks a credential list (from WHARF_CREDENTIALS or the config file). Errors name the entry by position
 * and access key id, never by secret.
 */
export function buildKeyring(credentials: readonly Credential[]): KeyringResult {
  const keyring = new Map<string, Credential>();
  for (const [i, credential] of credentials.entries()) {
    const where = `entry ${i + 1}`;
    if (!ACCESS_KEY_ID.test(credential.accessKeyId)) {
      return { error: `${where}: the access key id must be 3–128 letters, digits, '_', '-' or '.'` };
    }
    if (credential.secretAccessKey.length === 0) return { error: `${where} (${credential.accessKeyId}): the secret is empty` };
    if (!ACCOUNT_ID.test(credential.accountId)) {
      return { error: `${where} (${credential.accessKeyId}): the account id must be 12 digits` };
    }
    if (keyring.has(credential.accessKeyId)) return { error: `${where}: access key id ${credential.accessKeyId} is listed twice` };
    keyring.set(credential.accessKeyId, Object.freeze({ ...credential }));
  }
  return { keyring };
}

/** `KEY:SECRET:ACCOUNT[,KEY:SECRET:ACCOUNT…]`, the WHARF_CREDENTIALS format. */
export function parseCredentialList(text: string): Credential[] | { error: string } {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const credentials: Credential[] = [];
  for (const [i, entry] of entries.entries()) {
    const parts = entry.split(':');
    if (parts.length !== 3) return { error: `entry ${i + 1}: expected ACCESS_KEY_ID:SECRET:ACCOUNT_ID` };
    const [accessKeyId, secretAccessKey, accountId] = parts as [string, string, string];
    credentials.push({ accessKeyId, secretAccessKey, accountId });
  }
  return credentials;
}
