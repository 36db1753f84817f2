import { afterAll, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../src/observability/metrics.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { parsePrometheusText } from '../helpers/scrape.js';

const storage = openSqliteStorage({ path: ':memory:' });
afterAll(() => storage.close());

const queue = (name: string) => ({ account: '000000000000', name, fifo: false, attributes: {}, tags: {}, retentionMs: 345_600_000, deadLetterTargetArn: null });

it('scrapes 10,000 queues in well under a second (README: Metrics)', async () => {
  // given 10,000 queues, one of them holding messages sent 30 s ago
  const names = Array.from({ length: 10_000 }, (_, i) => `q-${String(i).padStart(5, '0')}`);
  const created = await Promise.all(names.map((name) => storage.createQueue(queue(name), 0, 60_000)));
  const first = created[0]!;
  if (first.outcome !== 'created') throw new Error('queue not created');
  const now = 1_000_000;
  const message = (id: string) => ({
    message: { messageId: id, body: 'b', md5OfBody: 'x', attributes: {}, systemAttributes: {}, senderId: 's', visibleAt: now - 30_000, groupId: null, deduplicationId: null },
    deduplication: null,
  });
  await storage.sendMessages(first.queue.id, [message('m1'), message('m2')], now - 30_000);
  const metrics = new PrometheusMetrics({ storage, now: () => now });
  // when
  const started = performance.now();
  const text = await metrics.scrape();
  const elapsedMs = performance.now() - started;
  // then
  const { samples } = parsePrometheusText(text);
  const visible = samples.filter((s) => s.name === 'wharf_approximate_number_of_messages_visible');
  expect(visible).toHaveLength(10_000);
  expect(visible.find((s) => s.labels.queue === 'q-00000')?.value).toBe(2);
  expect(samples.find((s) => s.name === 'wharf_approximate_age_of_oldest_message_seconds' && s.labels.queue === 'q-00000')?.value).toBe(30);
  console.log(`scrape of 10,000 queues: ${elapsedMs.toFixed(0)} ms, ${(text.length / 1024).toFixed(0)} KiB`);
  // The target is < 1 s (measured 0.14-0.18 s on an idle 2-core machine, ~1 s at load average 9); the bound leaves room for a loaded CI machine.
  expect(elapsedMs).toBeLessThan(5000);
});
