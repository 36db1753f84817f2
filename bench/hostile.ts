import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { asciiBody } from './bodies.js';
import { SqsClient } from './client.js';
import { withQueue, type Scenario } from './context.js';
import type { Measurement } from './drive.js';
import { latencyRowFrom, unsupportedRow, type ResultRow } from './report.js';

// Scenario 11: can one client's request stall everyone? A normal client sends 100 B messages one at a
// time and measures each send, first alone, then while a hostile client posts oversized Query-protocol
// requests back to back (one in flight). Every request has a timeout, so a stalled server costs the
// bench at most that long; a timed-out send counts at the timeout in the percentiles.

const BODY = asciiBody(100);
const REQUEST_TIMEOUT_MS = 30_000;
/** After the last hostile request ends, the server gets this long to answer a normal send again. */
const RECOVERY_BUDGET_MS = 120_000;

interface Attack {
  label: string;
  form: (queueUrl: string) => string;
}

// 4,000 numbered batch entries of ~90 bytes each: ~360 KB, the request that stalls a flattener that
// rescans every parameter per list entry. AWS allows 10 entries; a server should reject it cheaply.
const numberedEntries = (queueUrl: string): string => {
  const parts = [`Action=SendMessageBatch`, `Version=2012-11-05`, `QueueUrl=${encodeURIComponent(queueUrl)}`];
  for (let n = 1; n <= 4_000; n++) {
    parts.push(`SendMessageBatchRequestEntry.${n}.Id=e${n}`, `SendMessageBatchRequestEntry.${n}.MessageBody=m${n}`);
  }
  return parts.join('&');
};

// 3,000 message attributes on one SendMessage (AWS allows 10).
const numberedAttributes = (queueUrl: string): string => {
  const parts = [`Action=SendMessage`, `Version=2012-11-05`, `QueueUrl=${encodeURIComponent(queueUrl)}`, `MessageBody=hostile`];
  for (let n = 1; n <= 3_000; n++) {
    const key = `MessageAttribute.${n}`;
    parts.push(`${key}.Name=a${n}`, `${key}.Value.DataType=String`, `${key}.Value.StringValue=v${n}`);
  }
  return parts.join('&');
};

const ATTACKS: Attack[] = [
  { label: '4,000 SendMessageBatchRequestEntry.N', form: numberedEntries },
  { label: '3,000 MessageAttribute.N', form: numberedAttributes },
];

export const hostile: Scenario = (ctx) => {
  const title = (label: string) => `Hostile: SendMessage latency, ${label}`;
  if (!ctx.features.has('query-protocol')) {
    return Promise.resolve([title('alone'), ...ATTACKS.map((a) => title(`beside ${a.label}`))].map((t) => unsupportedRow(t, 1, 'no Query protocol')));
  }
  return withQueue(ctx, 'hostile', {}, async (queueUrl) => {
    const client = new SqsClient(ctx.endpoint, 1, REQUEST_TIMEOUT_MS);
    try {
      const rows: ResultRow[] = [];
      await timedSends(client, queueUrl, ctx.warmupMs);
      const alone = await timedSends(client, queueUrl, ctx.durationMs);
      rows.push(latencyRowFrom(title('alone'), alone.m, alone.note));
      for (const attack of ATTACKS) {
        const form = attack.form(queueUrl);
        // The hostile client starts new requests only during the measured window (it may still be
        // waiting for one afterwards), so a stalling server is fed one or a few, not one per stall.
        const stop = AbortSignal.timeout(ctx.durationMs);
        const attacker = attackLoop(ctx.endpoint, form, stop);
        await sleep(20); // let the first hostile request reach the server first
        const beside = await timedSends(client, queueUrl, ctx.durationMs);
        const attacks = await attacker;
        const recovery = await recover(client, queueUrl);
        const notes = [`${attacks} hostile request(s) of ${Math.round(form.length / 1000)} KB`, beside.note, recovery];
        rows.push(latencyRowFrom(title(`beside ${attack.label}`), beside.m, notes.filter(Boolean).join('; ')));
      }
      return rows;
    } finally {
      client.close();
    }
  });
};

/** Sends one message at a time for `durationMs`; a send that times out counts at the timeout. */
async function timedSends(client: SqsClient, queueUrl: string, durationMs: number): Promise<{ m: Measurement; note?: string }> {
  const m: Measurement = { concurrency: 1, ops: 0, emptyOps: 0, messages: 0, bytes: 0, elapsedMs: 0, latenciesMs: [] };
  let timedOut = 0;
  const startedAt = performance.now();
  while (performance.now() - startedAt < durationMs) {
    const sentAt = performance.now();
    try {
      await client.sendMessage(queueUrl, BODY);
      m.messages += 1;
      m.bytes += BODY.length;
    } catch (error) {
      // A timeout aborts the request: Node reports it as an AbortError whose cause is the TimeoutError.
      if (!(error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))) throw error;
      timedOut += 1;
    }
    m.ops += 1;
    m.latenciesMs.push(performance.now() - sentAt);
  }
  m.elapsedMs = performance.now() - startedAt;
  return { m, ...(timedOut > 0 ? { note: `${timedOut} send(s) timed out after ${REQUEST_TIMEOUT_MS / 1000} s` } : {}) };
}

/** Posts the hostile form back to back, one in flight, until stopped; returns how many were answered or timed out. */
async function attackLoop(endpoint: string, form: string, stop: AbortSignal): Promise<number> {
  let count = 0;
  while (!stop.aborted) {
    await postForm(endpoint, form).catch(() => {});
    count += 1;
  }
  return count;
}

function postForm(endpoint: string, form: string): Promise<number> {
  const url = new URL(endpoint);
  const payload = Buffer.from(form, 'utf8');
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: Number(url.port || 80),
        path: '/',
        method: 'POST',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', 'Content-Length': payload.length },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Waits until a normal send answers within a second again, so a stalled server does not skew the next scenario. */
async function recover(client: SqsClient, queueUrl: string): Promise<string | undefined> {
  const startedAt = performance.now();
  while (performance.now() - startedAt < RECOVERY_BUDGET_MS) {
    const sentAt = performance.now();
    const ok = await client.sendMessage(queueUrl, BODY).then(
      () => true,
      () => false,
    );
    if (ok && performance.now() - sentAt < 1_000) {
      const waited = performance.now() - startedAt;
      return waited > 1_000 ? `server answered normally again ${(waited / 1000).toFixed(1)} s after the last hostile request ended` : undefined;
    }
  }
  return `server still slow ${RECOVERY_BUDGET_MS / 1000} s after the last hostile request ended`;
}
