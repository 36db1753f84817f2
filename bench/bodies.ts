// Message bodies for the big-message scenarios. Sizes are UTF-8 bytes of the body, which is what SQS
// counts against MaximumMessageSize when no attributes are sent (reference §4.1, §4.8).

export const MIB = 1_048_576;
/** Server ceiling the bench starts Wharf with (--max-message-size 8MiB) and the big queues' MaximumMessageSize. */
export const QUEUE_LIMIT_BYTES = 8 * MIB;
// A little under the limit so the body fits whatever a server adds to its size accounting; equal to the
// limit is accepted by AWS, but the bench measures throughput, not the boundary.
export const NEAR_LIMIT_BYTES = QUEUE_LIMIT_BYTES - 100;
export const STOCK_RECORDS = 10_000;
export const STOCK_BYTES = 1_700_000;

/** An ASCII body of exactly `bytes` bytes that needs no JSON escaping. */
export function asciiBody(bytes: number): string {
  const unit = 'wharf-bench-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ.';
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

/**
 * A JSON array of 10,000 "stock records", exactly 1,700,000 bytes: the shape of a real payload that
 * prompted big-message support. Every `"` is escaped as `\"` on the JSON wire, so the request is
 * larger than the body and exercises the server's escaping allowance.
 */
export function stockRecordsBody(): string {
  // 2 brackets + 9,999 commas leave 1,689,990 bytes for the records: 168 or 169 bytes each.
  const recordBytes = STOCK_BYTES - 2 - (STOCK_RECORDS - 1);
  const records: string[] = [];
  for (let i = 0; i < STOCK_RECORDS; i++) {
    const target = Math.floor(recordBytes / STOCK_RECORDS) + (i < recordBytes % STOCK_RECORDS ? 1 : 0);
    const base = {
      symbol: symbolOf(i),
      exchange: i % 3 === 0 ? 'NYSE' : 'NASDAQ',
      price: Number((10 + ((i * 7919) % 99_000) / 100).toFixed(2)),
      change: Number((((i * 31) % 800) / 100 - 4).toFixed(2)),
      volume: (i * 104_729) % 9_000_000,
      currency: 'USD',
      updatedAt: new Date(1_700_000_000_000 + i * 1_000).toISOString(),
    };
    const withoutRef = JSON.stringify({ ...base, ref: '' });
    const ref = asciiBody(target - withoutRef.length);
    records.push(JSON.stringify({ ...base, ref }));
  }
  const body = `[${records.join(',')}]`;
  if (Buffer.byteLength(body) !== STOCK_BYTES) throw new Error(`stock body is ${Buffer.byteLength(body)} bytes`);
  return body;
}

function symbolOf(i: number): string {
  let symbol = '';
  for (let n = i, k = 0; k < 4; k++, n = Math.floor(n / 26)) symbol += String.fromCharCode(65 + (n % 26));
  return symbol;
}
