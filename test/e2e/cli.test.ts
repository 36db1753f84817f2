import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { makeQueryClient } from '../helpers/clients.js';
import { spawnWharf, stopWharf } from '../helpers/process.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'wharf-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('wharf --help lists every flag with its environment variable', async () => {
  const { stdout } = await run(process.execPath, ['dist/main.js', '--help']);
  for (const flag of ['port', 'host', 'data-dir', 'region', 'account-id', 'base-url', 'log-level', 'max-message-size', 'durability']) {
    expect(stdout).toContain(`--${flag}`);
  }
  expect(stdout).toContain('WHARF_MAX_MESSAGE_SIZE');
});

it('a bad value stops startup with a clear message and exit code 2', async () => {
  const failure = await run(process.execPath, ['dist/main.js', '--max-message-size', 'lots'], { env: { ...process.env } }).catch(
    (error: { code: number; stderr: string }) => error,
  );
  expect(failure).toMatchObject({ code: 2 });
  expect((failure as { stderr: string }).stderr).toContain('--max-message-size (WHARF_MAX_MESSAGE_SIZE)');
});

it('serves health and queue URLs under --base-url, configured through the environment, and stops on SIGTERM', async () => {
  const wharf = await spawnWharf(['--data-dir', dataDir], { WHARF_BASE_URL: 'http://wharf.internal:9324', WHARF_REGION: 'eu-west-1' });
  const health = await fetch(`${wharf.url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const sqs = makeQueryClient(wharf.url);
  const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'cli' });
  expect(QueueUrl).toBe('http://wharf.internal:9324/000000000000/cli');
  const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl: `${wharf.url}/000000000000/cli`, AttributeNames: ['QueueArn'] });
  expect(Attributes.QueueArn).toBe('arn:aws:sqs:eu-west-1:000000000000:cli');
  expect(await stopWharf(wharf)).toBe(0);
});
