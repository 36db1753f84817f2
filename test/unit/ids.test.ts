import { describe, expect, it } from 'vitest';
import { decodeReceiptHandle, encodeReceiptHandle, sequenceNumberOf } from '../../src/core/ids.js';

describe('receipt handles', () => {
  it('round-trip the queue, message and token they were made from', () => {
    const ref = { queueId: 7, seq: 123456, receiptToken: 'abcDEF_-12' };
    const handle = encodeReceiptHandle(ref);
    expect(handle.length).toBeLessThanOrEqual(1024);
    expect(decodeReceiptHandle(handle)).toEqual(ref);
  });

  it.each(['garbage', '', 'x'.repeat(2000), Buffer.from('wh1.1.2.tok.badsum').toString('base64url')])(
    'reject a made-up or mangled handle: %s',
    (handle) => {
      expect(decodeReceiptHandle(handle.slice(0, 60))).toBeNull();
    },
  );

  it('reject a handle with one character changed', () => {
    const handle = encodeReceiptHandle({ queueId: 1, seq: 2, receiptToken: 'token' });
    const changed = handle.slice(0, 5) + (handle[5] === 'A' ? 'B' : 'A') + handle.slice(6);
    expect(decodeReceiptHandle(changed)).toBeNull();
  });
});

describe('sequence numbers', () => {
  it('are 20-digit decimal strings that increase with the storage sequence', () => {
    expect(sequenceNumberOf(1)).toBe('10000000000000000001');
    expect(BigInt(sequenceNumberOf(99))).toBeGreaterThan(BigInt(sequenceNumberOf(98)));
  });
});
