import { describe, expect, it } from 'vitest';
import { Comparison, compareTableText, median, number, ratio } from '../../bench/compare-table.js';
import type { ResultRow } from '../../bench/report.js';
import { machineBusyPercent, readMachineJiffies } from '../../bench/server.js';

// The side-by-side table's arithmetic and layout. No timing here: the bench itself is never run by npm test.

const rate = (msgsPerS: number, scenario = 'SendMessage 100 B'): ResultRow => ({ scenario, concurrency: 16, msgsPerS });
const latency = (p50Ms: number, p99Ms: number): ResultRow => ({ scenario: 'Long-poll', concurrency: 16, p50Ms, p99Ms, metric: 'latency' });

describe('median', () => {
  it.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
    [[2, NaN, 4], 3],
    [[], NaN],
  ])('of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('ratio', () => {
  it('divides the target by the reference and is NaN without a usable reference', () => {
    expect(ratio(15, 10)).toBe(1.5);
    expect(ratio(15, 0)).toBeNaN();
    expect(ratio(NaN, 10)).toBeNaN();
  });
});

describe('number', () => {
  it.each([
    [12345.6, '12,346'],
    [123.4, '123'],
    [12.34, '12.3'],
    [1.234, '1.23'],
    [NaN, '-'],
  ])('formats %d as %s', (value, text) => {
    expect(number(value)).toBe(text);
  });
});

describe('Comparison', () => {
  it('takes the median of each target over its rounds and the ratio to the reference', () => {
    // Given three rounds of two targets
    const comparison = new Comparison(['wharf', 'strawman'], 'strawman');
    for (const [w, s] of [[900, 1000], [1100, 3000], [1000, 2000]] as const) {
      comparison.add('send', 'wharf', [rate(w)]);
      comparison.add('send', 'strawman', [rate(s)]);
    }
    // When the table is rendered
    const lines = compareTableText(comparison).split('\n');
    // Then the row shows medians and their quotient
    expect(lines[0]).toMatch(/scenario\s+in flight\s+unit\s+wharf\s+strawman\s+wharf\/strawman/);
    expect(lines[2]).toMatch(/SendMessage 100 B\s+16\s+msgs\/s\s+1,000\s+2,000\s+0\.50×/);
  });

  it("follows a rate row with the server's CPU per message when it was measured", () => {
    // Given rates that carry server CPU for wharf, and a target whose CPU the bench could not read
    const comparison = new Comparison(['wharf', 'strawman', 'remote'], 'strawman');
    comparison.add('send', 'wharf', [{ ...rate(1000), serverCpuUsPerMsg: 150 }]);
    comparison.add('send', 'strawman', [{ ...rate(2000), serverCpuUsPerMsg: 100 }]);
    comparison.add('send', 'remote', [rate(3000)]);
    // When the table is rendered
    const lines = compareTableText(comparison).split('\n');
    // Then the CPU row follows the rate row, with its own ratio, and '-' where it is unknown
    expect(lines[2]).toMatch(/SendMessage 100 B\s+16\s+msgs\/s\s+1,000\s+2,000\s+3,000\s+0\.50×\s+1\.50×/);
    expect(lines[3]).toMatch(/SendMessage 100 B\s+16\s+srv CPU µs\/msg\s+150\s+100\s+-\s+1\.50×\s+-$/);
    expect(lines).toHaveLength(4);
  });

  it('shows p50 / p99 for latency rows and takes the ratio of the p50s', () => {
    const comparison = new Comparison(['wharf', 'fauxqs'], 'fauxqs');
    comparison.add('poll', 'wharf', [latency(2, 8)]);
    comparison.add('poll', 'fauxqs', [latency(0.5, 1)]);
    expect(compareTableText(comparison)).toMatch(/Long-poll\s+16\s+p50\/p99 ms\s+2\.00 \/ 8\.00\s+0\.50 \/ 1\.00\s+4\.00×/);
  });

  it('shows n/a for a target that lacks a whole scenario or one of its rows, and error for a failed one', () => {
    // Given a FIFO case the strawman cannot serve, a row it marks unsupported, and a failure on fauxqs
    const comparison = new Comparison(['wharf', 'strawman', 'fauxqs'], 'wharf');
    comparison.add('fifo', 'wharf', [rate(500, 'FIFO send')]);
    comparison.markCase('fifo', 'strawman', { kind: 'n/a', why: 'no fifo' });
    comparison.markCase('fifo', 'fauxqs', { kind: 'error', message: 'HTTP 500' });
    comparison.add('depth', 'wharf', [rate(700, 'GetQueueAttributes beside')]);
    comparison.add('depth', 'strawman', [{ scenario: 'GetQueueAttributes beside', concurrency: 16, unsupported: 'no GetQueueAttributes' }]);
    // Then
    expect(comparison.cell(comparison.keys()[0]!, 'strawman')).toEqual({ kind: 'n/a', why: 'no fifo' });
    expect(comparison.cell(comparison.keys()[0]!, 'fauxqs')).toEqual({ kind: 'error', message: 'HTTP 500' });
    expect(comparison.cell(comparison.keys()[1]!, 'strawman').kind).toBe('n/a');
    expect(comparison.cell(comparison.keys()[1]!, 'fauxqs').kind).toBe('missing');
    const fifoLine = compareTableText(comparison).split('\n')[2]!;
    expect(fifoLine).toMatch(/FIFO send\s+16\s+msgs\/s\s+500\s+n\/a\s+error\s+n\/a\s+-$/);
  });

  it('ignores failed rounds when another round measured the row', () => {
    const comparison = new Comparison(['wharf'], 'wharf');
    comparison.add('send', 'wharf', [{ ...rate(0), error: 'timeout' }]);
    comparison.add('send', 'wharf', [rate(800)]);
    const cell = comparison.cell(comparison.keys()[0]!, 'wharf');
    expect(cell).toEqual({ kind: 'figures', figures: { value: 800, rounds: 1 } });
  });
});

describe('machine busy %', () => {
  it('is the share of all cores that was not idle (idle and iowait) between two readings', () => {
    expect(machineBusyPercent({ idle: 1_000, total: 4_000 }, { idle: 1_050, total: 4_200 })).toBe(75);
    expect(machineBusyPercent({ idle: 10, total: 20 }, { idle: 10, total: 20 })).toBe(0);
  });

  it('reads this machine\'s /proc/stat: idle never exceeds the total', () => {
    const reading = readMachineJiffies();
    expect(reading.total).toBeGreaterThan(0);
    expect(reading.idle).toBeLessThanOrEqual(reading.total);
  });
});
