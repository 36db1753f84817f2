import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeJsonClient } from '../helpers/clients.js';

// No Docker engine runs here, so this runs what the image runs: the Dockerfile's ENV, ENTRYPOINT and
// HEALTHCHECK command, read from the file itself, with the paths inside the image mapped to the checkout.

const dockerfile = readFileSync('docker/Dockerfile', 'utf8').replace(/\\\n\s*/g, ' ');
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const dir = mkdtempSync(join(tmpdir(), 'wharf-docker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function instruction(name: string): string {
  const match = new RegExp(`^${name} (.+)$`, 'm').exec(runtime);
  if (!match) throw new Error(`no ${name} in the runtime stage`);
  return match[1]!;
}

function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, key, value] of instruction('ENV').matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
  return env;
}

it('the runtime stage is non-root, declares /data, port 9324 and a /health check, and ships its config', () => {
  expect(instruction('USER')).toBe('node');
  expect(instruction('VOLUME')).toBe('["/data"]');
  expect(instruction('EXPOSE')).toBe('9324');
  expect(instruction('HEALTHCHECK')).toContain('http://127.0.0.1:9324/health');
  expect(imageEnv()).toMatchObject({ WHARF_PORT: '9324', WHARF_DATA_DIR: '/data', WHARF_CONFIG: '/etc/wharf/wharf.yaml' });
  expect(runtime).toContain('COPY docker/wharf.yaml /etc/wharf/wharf.yaml');
  // compose mounts a config file that exists, at the path the image reads
  const compose = parse(readFileSync('docker/compose.yaml', 'utf8'));
  const mount = (compose.services.wharf.volumes as string[]).find((v) => v.includes('/etc/wharf/wharf.yaml'))!;
  expect(existsSync(join('docker', mount.split(':')[0]!))).toBe(true);
  expect(compose.services.app.depends_on.wharf.condition).toBe('service_healthy');
});

it("runs the image's ENTRYPOINT with its ENV, passes its HEALTHCHECK, serves SQS, and stops on SIGTERM", async () => {
  // given the image's environment, with /etc/wharf/wharf.yaml → docker/wharf.yaml and /data → a temp dir
  const env = { ...process.env, ...imageEnv(), WHARF_CONFIG: 'docker/wharf.yaml', WHARF_DATA_DIR: join(dir, 'data'), WHARF_PORT: '0', WHARF_HOST: '127.0.0.1' };
  const [command, ...args] = JSON.parse(instruction('ENTRYPOINT')) as string[];
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const startup = await new Promise<Record<string, unknown>>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === 'wharf listening') resolve(entry);
    });
  });
  const url = startup.address as string;
  expect(startup).toMatchObject({ configFile: 'docker/wharf.yaml', dataFile: join(dir, 'data', 'wharf.db'), durability: 'full' });
  // then the HEALTHCHECK command, pointed at this port, succeeds
  const check = JSON.parse(instruction('HEALTHCHECK').replace(/^.*?CMD /, '')) as string[];
  const health = spawn(process.execPath, check.slice(1).map((a) => a.replace('http://127.0.0.1:9324', url)));
  expect(await new Promise((resolve) => health.once('exit', resolve))).toBe(0);
  const sqs = makeJsonClient(url);
  const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'docker' });
  await sqs.call('SendMessage', { QueueUrl, MessageBody: 'hi' });
  sqs.destroy();
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
