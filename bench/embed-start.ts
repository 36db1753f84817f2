// Start-to-first-answer of an embedded, in-memory Wharf (issue 13 target: <= 100 ms).
// Run: node --import tsx bench/embed-start.ts
import { startWharf } from '../src/index.js';

const samples: number[] = [];
for (let i = 0; i < 20; i += 1) {
  const startedAt = performance.now();
  const wharf = await startWharf();
  const response = await fetch(wharf.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
    body: '{}',
  });
  await response.arrayBuffer();
  samples.push(performance.now() - startedAt);
  await wharf.stop();
}
samples.sort((a, b) => a - b);
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(1);
process.stdout.write(`startWharf → first answered request: min ${samples[0]!.toFixed(1)} ms, median ${at(0.5)} ms, p95 ${at(0.95)} ms\n`);
