import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'wharf-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('logs JSON lines by default, with one startup line naming address, data file, size ceiling, durability and config', async () => {
  const child = spawn(process.execPath, ['dist/main.js', '--port', '0', '--host', '127.0.0.1', '--data-dir', dir, '--durability', 'relaxed', '--max-message-size', '2MiB', '--config', 'docker/wharf.yaml'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const startup = await new Promise<Record<string, unknown>>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const line = chunk.toString().split('\n').find((l) => l.includes('wharf listening'));
      if (line) resolve(JSON.parse(line));
    });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(startup).toMatchObject({
    msg: 'wharf listening',
    address: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    dataFile: join(dir, 'wharf.db'),
    maxMessageBytes: 2 * 1024 * 1024,
    durability: 'relaxed',
    configFile: 'docker/wharf.yaml',
  });
});

it('--log-format pretty writes lines for a terminal instead of JSON', async () => {
  const child = spawn(process.execPath, ['dist/main.js', '--port', '0', '--host', '127.0.0.1', '--data-dir', dir, '--log-format', 'pretty'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = text.split('\n').find((l) => l.includes('wharf listening'));
      if (found) resolve(found);
    });
  });
  child.kill('SIGTERM');
  expect(line).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO.*: wharf listening$/);
  expect(() => JSON.parse(line)).toThrow();
});
