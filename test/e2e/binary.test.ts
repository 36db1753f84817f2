import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { roundTrip, startCommand } from '../helpers/start-command.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'wharf-binary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// About 12 s on an idle 2-core machine (build 10 s), so it runs in npm test; at load average 12 the build
// alone took 71 s, hence the long timeout.
it('npm run build:binary makes dist/wharf, which runs alone from an empty directory and serves', { timeout: 300_000 }, async () => {
  // given the binary, copied alone into an empty directory
  const { stdout: built } = await run('npm', ['run', 'build:binary'], { maxBuffer: 16 * 1024 * 1024 });
  console.log(built.trim().split('\n').at(-1));
  copyFileSync('dist/wharf', join(dir, 'wharf'));
  const wharf = join(dir, 'wharf');
  expect(statSync(wharf).mode & 0o111).not.toBe(0);
  const cache = join(dir, 'cache');
  const env = { XDG_CACHE_HOME: cache, PATH: '/usr/bin:/bin', NODE_PATH: '' };
  // then --help works with no node_modules anywhere near it
  const { stdout: help } = await run(wharf, ['--help'], { cwd: dir, env });
  expect(help).toContain('--config');
  // and it serves SQS, with the addon written once to the private cache dir
  const started = Date.now();
  const server = await startCommand(wharf, ['--data-dir', join(dir, 'data')], env);
  console.log(`binary: ${(statSync(wharf).size / 1024 / 1024).toFixed(1)} MiB, listening ${Date.now() - started} ms after exec`);
  expect(await roundTrip(server.url)).toBe('from the package');
  expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  // the web console's files travel inside the binary too
  const page = await fetch(`${server.url}/console/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html');
  expect((await fetch(`${server.url}/console/console.js`)).status).toBe(200);
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  const addonDirs = readdirSync(join(cache, 'wharf'));
  expect(addonDirs).toHaveLength(1);
  expect(existsSync(join(cache, 'wharf', addonDirs[0]!, 'better_sqlite3.node'))).toBe(true);
  expect(statSync(join(cache, 'wharf', addonDirs[0]!)).mode & 0o777).toBe(0o700);
});
