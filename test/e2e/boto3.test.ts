import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { celeryEnvelope, stockUpdate } from '../helpers/payloads.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Needs Debian's python3-boto3 (botocore 1.29, Query protocol); .ci/run installs it. Debian's own interpreter
// is named explicitly: a python3 earlier on PATH (pyenv, venvs) may carry a different, JSON-speaking botocore.
const DEBIAN_PYTHON = '/usr/bin/python3';
let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'wharf-boto3-'));
beforeAll(async () => {
  server = await startServer({ maxMessageBytes: 8 * 1024 * 1024 });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

it('boto3 sends and receives the ~3.2 MB Celery-encoded stock update byte-exact', async () => {
  const body = `${celeryEnvelope(stockUpdate())}é`.padEnd(3_200_000, '=');
  const bodyFile = join(dir, 'body.txt');
  writeFileSync(bodyFile, body, 'utf8');
  const { stdout } = await promisify(execFile)(DEBIAN_PYTHON, ['test/python/boto3_roundtrip.py', server.url, bodyFile], {
    maxBuffer: 1024 * 1024,
  });
  const seen = JSON.parse(stdout);
  expect(seen).toMatchObject({
    protocol: 'query',
    same_body: true,
    length: Buffer.byteLength(body),
    attribute: 'stock-update',
    receive_count: '1',
    missing_error: 'AWS.SimpleQueueService.NonExistentQueue',
  });
  expect(seen.sent_md5).toBe(seen.expected_md5);
  expect(seen.received_md5).toBe(seen.expected_md5);
}, 60_000);
