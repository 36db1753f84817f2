// kill -9 under mixed load, in a loop: `npm run build && node --import tsx scripts/kill-loop.ts [cycles]`.
// Not part of npm test (it takes about a minute). Each cycle starts dist/main.js on the same data
// directory, runs senders and consumers against one queue for a random 1-3 s, kills the server with
// SIGKILL mid-load, and runs PRAGMA integrity_check on the files it left. After the last cycle the queue
// is drained and checked: every send that got a 200 is there (0 lost) unless a delete of it was sent (a
// delete cut off by the kill may have been committed without its answer), and no message whose delete got
// a 200 is there (0 resurrected). Exits 1 on any failure.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { SqsClient } from '../bench/client.js';

const CYCLES = Number(process.argv[2] ?? 10);
const SENDERS = 8;
const CONSUMERS = 4;

interface Server {
  url: string;
  child: ChildProcess;
  exited: Promise<unknown>;
}

function start(dataDir: string): Promise<Server> {
  const child = spawn(process.execPath, ['dist/main.js', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--console', 'off'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; address?: string };
      if (entry.msg === 'wharf listening' && entry.address) resolve({ url: entry.address, child, exited });
    });
    void exited.then((code) => reject(new Error(`wharf exited (${String(code)}) before listening`)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Ledger {
  /** Bodies whose send was answered 200. */
  sent: Set<string>;
  /** Bodies whose delete was answered 200. */
  deleted: Set<string>;
  /** Bodies whose delete was sent, answered or not: one cut off by the kill may have been committed. */
  deleteSent: Set<string>;
}

/** Senders and consumers until `stop` is set; a request cut off by the kill is simply not acknowledged. */
async function load(client: SqsClient, queueUrl: string, cycle: number, ledger: Ledger, stopped: () => boolean): Promise<void> {
  const sender = async (worker: number) => {
    for (let i = 0; !stopped(); i++) {
      const batch = i % 3 === 0;
      const bodies = batch ? Array.from({ length: 10 }, (_, k) => `c${cycle}-w${worker}-${i}-${k}`) : [`c${cycle}-w${worker}-${i}`];
      try {
        if (batch) await client.sendMessageBatch(queueUrl, bodies.map((MessageBody, k) => ({ Id: `e${k}`, MessageBody })));
        else await client.sendMessage(queueUrl, bodies[0]!);
        for (const body of bodies) ledger.sent.add(body);
      } catch {
        return;
      }
    }
  };
  const consumer = async () => {
    while (!stopped()) {
      try {
        const messages = await client.receive(queueUrl, { max: 10, waitSeconds: 1, visibilitySeconds: 2 });
        if (messages.length === 0) continue;
        for (const m of messages) ledger.deleteSent.add(m.Body);
        await client.call('DeleteMessageBatch', {
          QueueUrl: queueUrl,
          Entries: messages.map((m, k) => ({ Id: `d${k}`, ReceiptHandle: m.ReceiptHandle })),
        });
        for (const m of messages) ledger.deleted.add(m.Body);
      } catch {
        return;
      }
    }
  };
  await Promise.all([...Array.from({ length: SENDERS }, (_, w) => sender(w)), ...Array.from({ length: CONSUMERS }, consumer)]);
}

function integrity(dataDir: string): string {
  const db = new Database(join(dataDir, 'wharf.db'));
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** Everything left in the queue, waiting out the visibility timeout of what was in flight at a kill. */
async function drain(client: SqsClient, queueUrl: string): Promise<Set<string>> {
  const left = new Set<string>();
  for (let empty = 0; empty < 3; ) {
    const messages = await client.receive(queueUrl, { max: 10, waitSeconds: 3, visibilitySeconds: 60 });
    if (messages.length === 0) empty += 1;
    else empty = 0;
    for (const m of messages) left.add(m.Body);
  }
  return left;
}

async function main(): Promise<number> {
  if (!existsSync('dist/main.js')) throw new Error('dist/main.js is missing: run npm run build first');
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-kill-loop-'));
  const ledger: Ledger = { sent: new Set(), deleted: new Set(), deleteSent: new Set() };
  let failures = 0;
  try {
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const server = await start(dataDir);
      const client = new SqsClient(server.url, SENDERS + CONSUMERS);
      const queueUrl = await client.createQueue('crash', { VisibilityTimeout: '2' });
      let stop = false;
      const running = load(client, queueUrl, cycle, ledger, () => stop);
      await sleep(1_000 + Math.random() * 2_000);
      server.child.kill('SIGKILL');
      stop = true;
      await running;
      await server.exited;
      client.close();
      const check = integrity(dataDir);
      if (check !== 'ok') failures += 1;
      console.log(`cycle ${cycle}: killed; ${ledger.sent.size} sends and ${ledger.deleted.size} deletes acknowledged so far; integrity_check ${check}`);
    }
    const server = await start(dataDir);
    const client = new SqsClient(server.url, 1);
    const left = await drain(client, await client.getQueueUrl('crash'));
    client.close();
    server.child.kill('SIGTERM');
    await server.exited;
    const lost = [...ledger.sent].filter((body) => !ledger.deleteSent.has(body) && !left.has(body));
    const resurrected = [...ledger.deleted].filter((body) => left.has(body));
    console.log(
      `${ledger.sent.size} acknowledged sends, ${ledger.deleted.size} acknowledged deletes, ${left.size} left: ` +
        `${lost.length} lost, ${resurrected.length} resurrected`,
    );
    if (lost.length > 0 || resurrected.length > 0) failures += 1;
    return failures === 0 ? 0 : 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
