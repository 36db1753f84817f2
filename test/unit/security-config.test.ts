import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';

// --auth, WHARF_CREDENTIALS / credentials:, --tls-cert and --tls-key: how they combine, and that no
// problem report ever quotes a secret.

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}, file?: string) =>
  parseConfig(file === undefined ? argv : ['--config', 'wharf.yaml', ...argv], env, () => file ?? '');

describe('security options', () => {
  it('reads keys from WHARF_CREDENTIALS when --auth sigv4 is on', () => {
    const result = parse(['--auth', 'sigv4'], { WHARF_CREDENTIALS: 'AKIA1:s3cret:111111111111,AKIA2:other:222222222222' });
    if (!('config' in result)) throw new Error(JSON.stringify(result));
    expect(result.config.auth).toBe('sigv4');
    expect([...result.config.keyring!.values()].map((c) => [c.accessKeyId, c.accountId])).toEqual([
      ['AKIA1', '111111111111'],
      ['AKIA2', '222222222222'],
    ]);
  });

  it('reads keys from the config file, as a list or in the WHARF_CREDENTIALS format', () => {
    const list = parse([], {}, 'auth: sigv4\ncredentials:\n  - accessKeyId: AKIA1\n    secretAccessKey: s3cret\n    accountId: "111111111111"\n');
    expect('config' in list && list.config.keyring?.get('AKIA1')?.accountId).toBe('111111111111');
    const text = parse([], { WHARF_AUTH: 'sigv4' }, 'credentials: "AKIA1:s3cret:111111111111"\n');
    expect('config' in text && text.config.keyring?.size).toBe(1);
  });

  it('refuses --auth sigv4 without keys, and half a TLS pair', () => {
    expect(parse(['--auth', 'sigv4'])).toEqual({
      error: 'Invalid configuration:\n  --auth sigv4 (WHARF_AUTH): needs at least one key in WHARF_CREDENTIALS or credentials: in the config file',
    });
    expect(parse(['--tls-cert', 'cert.pem'])).toMatchObject({ error: expect.stringContaining('give both or neither') });
  });

  it('names the bad entry but never its secret', () => {
    const result = parse(['--auth', 'sigv4'], { WHARF_CREDENTIALS: 'AKIA1:s3cret:12345' });
    expect(result).toEqual({ error: 'Invalid configuration:\n  WHARF_CREDENTIALS: entry 1 (AKIA1): the account id must be 12 digits' });
    const fromFile = parse([], {}, 'credentials:\n  - accessKeyId: AKIA1\n    secretAccessKey: 12345\n    accountId: "111111111111"\n');
    expect(JSON.stringify(fromFile)).not.toContain('12345');
  });

  it('has no flag for secrets, and says where they go', () => {
    expect(parse(['--credentials', 'AKIA1:s:111111111111'])).toMatchObject({ error: expect.stringContaining("Unknown option '--credentials'") });
    expect((parse(['--help']) as { help: string }).help).toMatch(/WHARF_CREDENTIALS/);
  });
});
