import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf } from '../helpers/clients.js';
import { spawnWharf, stopWharf } from '../helpers/process.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { makeTestCa, type TestCa } from '../helpers/test-ca.js';

// --tls-cert/--tls-key with a private CA: the SDKs (an https.Agent trusting the CA, as NODE_EXTRA_CA_CERTS
// would) and boto3 (verify=) speak HTTPS and get https queue URLs; a client that does not trust the CA
// is refused; SIGHUP swaps the certificate without dropping an open connection.

const DEBIAN_PYTHON = '/usr/bin/python3';
let ca: TestCa;
let server: TestServer;
beforeAll(async () => {
  ca = makeTestCa();
  const { cert, key } = ca.issue('server');
  server = await startServer({ https: { cert, key } });
});
afterAll(async () => {
  await server.close();
  ca.remove();
});

describe.each(clientFactories)('HTTPS over $protocol', ({ make }) => {
  it('round-trips a message and hands out https queue URLs', async () => {
    const sqs = make(server.url, { httpsAgent: new Agent({ ca: ca.ca }) });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: `tls-${sqs.protocol}` });
    expect(QueueUrl).toBe(`${server.url}/000000000000/tls-${sqs.protocol}`);
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'over TLS' });
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl });
    expect(Messages[0].Body).toBe('over TLS');
    sqs.destroy();
  });

  it('is refused by a client that does not trust the CA', async () => {
    const sqs = make(server.url, { httpsAgent: new Agent() });
    const failure = await failureOf(sqs.call('ListQueues'));
    expect(`${failure.code} ${failure.message}`).toMatch(/certificate|UNABLE_TO_VERIFY|self.signed/i);
    sqs.destroy();
  });
});

it('boto3 (Debian) trusts the private CA through verify=', async () => {
  const { stdout } = await promisify(execFile)(DEBIAN_PYTHON, ['test/python/boto3_auth.py', server.url, 'AKIDANY', 'any', ca.caFile]);
  expect(JSON.parse(stdout)).toMatchObject({ queue_url: `${server.url}/000000000000/boto3-signed`, received: 'signed by boto3' });
}, 30_000);

describe('the wharf process', () => {
  it('reloads its certificate on SIGHUP while an open connection keeps working', async () => {
    // given wharf serving the first certificate from files it was started with
    const first = ca.issue('first');
    const certFile = join(ca.dir, 'live.pem');
    const keyFile = join(ca.dir, 'live.key');
    copyFileSync(first.certFile, certFile);
    copyFileSync(first.keyFile, keyFile);
    const wharf = await spawnWharf(['--data-dir', join(ca.dir, 'data'), '--tls-cert', certFile, '--tls-key', keyFile, '--log-level', 'info']);
    try {
      const agent = new Agent({ ca: ca.ca, keepAlive: true, maxSockets: 1 });
      const sqs = clientFactories[0].make(wharf.url, { httpsAgent: agent });
      const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'reload' });
      expect(await serialOf(wharf.url)).toBe(serialOfPem(first.cert));
      // when the files are replaced and wharf gets SIGHUP, with a long poll open on the kept-alive socket
      const poll = sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 2 });
      const second = ca.issue('second');
      copyFileSync(second.certFile, certFile);
      copyFileSync(second.keyFile, keyFile);
      wharf.child.kill('SIGHUP');
      // then new handshakes get the new certificate, and the open long poll still answers
      await expect.poll(() => serialOf(wharf.url), { timeout: 5_000 }).toBe(serialOfPem(second.cert));
      expect((await poll).Messages ?? []).toEqual([]);
      sqs.destroy();
      agent.destroy();
    } finally {
      await stopWharf(wharf);
    }
  }, 30_000);
});

function serialOf(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca: ca.ca }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial);
    });
    socket.on('error', reject);
  });
}

function serialOfPem(pem: Buffer): string {
  return new X509Certificate(pem).serialNumber;
}
