import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { roundTrip, startCommand } from '../helpers/start-command.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'wharf-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('npm pack ships only dist/*.js, their type declarations and what they need; the tarball installs globally into a prefix and serves', async () => {
  // given the packed tarball
  const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--json'], { maxBuffer: 64 * 1024 * 1024 });
  const [pack] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ filename: string; files: { path: string }[] }];
  const paths = pack.files.map((f) => f.path);
  expect(paths).toContain('dist/main.js');
  expect(paths).toContain('dist/index.d.ts');
  expect(paths).toContain('dist/console/static/index.html');
  const shipped = (p: string) => /^dist\/.+\.(js|d\.ts)$/.test(p) || p.startsWith('dist/console/static/');
  expect(paths.filter((p) => !shipped(p) && !['package.json', 'README.md', 'examples/wharf.yaml'].includes(p))).toEqual([]);
  // when it is installed as `npm i -g` does, into a temp prefix (better-sqlite3 builds from source here)
  const prefix = join(dir, 'prefix');
  await run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', join(dir, pack.filename)], { maxBuffer: 64 * 1024 * 1024 });
  // then the installed `wharf` command serves SQS, and stops cleanly
  const wharf = await startCommand(join(prefix, 'bin', 'wharf'), ['--data-dir', join(dir, 'data')]);
  expect(await roundTrip(wharf.url)).toBe('from the package');
  expect((await fetch(`${wharf.url}/console/`)).status).toBe(200);
  wharf.child.kill('SIGTERM');
  expect(await wharf.exited).toBe(0);
  // and npx, with that prefix as npm's global prefix, runs the same installed command
  const npxEnv = { ...process.env, NPM_CONFIG_PREFIX: prefix };
  const { stdout: help } = await run('npx', ['--no-install', 'wharf', '--help'], { cwd: dir, env: npxEnv });
  expect(help).toContain('--config');
});
