import { describe, expect, it } from 'vitest';
import { SqsError } from '../../src/core/errors.js';
import {
  md5Hex,
  md5OfMessageAttributes,
  messageSizeBytes,
  selectMessageAttributes,
  selectSystemAttributes,
  validateMessageAttributes,
  validateMessageBody,
  validateSystemAttributes,
} from '../../src/core/message-attributes.js';
import type { MessageAttributeMap, MessageAttributeValue } from '../../src/core/types.js';

const str = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
const bin = (bytes: Buffer, DataType = 'Binary'): MessageAttributeValue => ({ DataType, BinaryValue: bytes.toString('base64') });

function thrown(fn: () => unknown): SqsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SqsError);
    return error as SqsError;
  }
  throw new Error('expected an SqsError');
}

describe('md5Hex', () => {
  it('hashes the UTF-8 bytes of a string', () => {
    expect(md5Hex('hello')).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(md5Hex('é')).toBe(md5Hex(Buffer.from([0xc3, 0xa9])));
  });
});

describe('md5OfMessageAttributes matches every hash in reference §4.4', () => {
  const traceparent = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1');
  it.each<[string, MessageAttributeMap, string]>([
    ['worked example Hello=There', { Hello: str('There') }, 'a311262e065454b75da111d535b8dacd'],
    [
      'binary and custom Number type, unsorted input',
      { b: bin(Buffer.from([1, 2, 3])), a: { DataType: 'Number.int', StringValue: '42' } },
      '3f4fafe91176c96778cd816fe690d521',
    ],
    [
      'Help.Me, Hello, General',
      { 'Help.Me': str('Me'), Hello: str('There'), General: str('Kenobi') },
      '4c360f3fdafd970e05fae2f149d997f5',
    ],
    ['General, Hello', { General: str('Kenobi'), Hello: str('There') }, 'fca026605781cb4126a1e9044df24232'],
    ['Hello, Help.Me', { Hello: str('There'), 'Help.Me': str('Me') }, '83fee93c1bcd8b9a5a923ffacdc636c7'],
    ['Foo=Bar', { Foo: str('Bar') }, 'ae7155c6026991b6d54b11589678bf9c'],
    ['MyAttribute=foobar', { MyAttribute: str('foobar') }, 'adb59cd4678ea5a855436b949cd07ab6'],
    ['k=x', { k: str('x') }, 'a45daa70926828a2f0a1db3418e6feb4'],
    ['Number timestamp', { timestamp: { DataType: 'Number', StringValue: '1493147359900' } }, '235c5c510d26fb653d073faed50ae77c'],
    ['Binary traceparent bytes', { attr1: bin(traceparent) }, '8cbe4db156db8a94db8b801b7addb984'],
    [
      'system attribute AWSTraceHeader (MD5OfMessageSystemAttributes)',
      { AWSTraceHeader: str('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1') },
      '5ae4d5d7636402d80f4eb6d213245a88',
    ],
  ])('%s', (_label, attributes, expected) => {
    expect(md5OfMessageAttributes(attributes)).toBe(expected);
  });
});

describe('messageSizeBytes', () => {
  it('counts UTF-8 body bytes plus name, DataType and value bytes of each attribute', () => {
    // given: the AWS-validated headroom len("k") + len("String") + len("x")
    expect(messageSizeBytes('hello', { k: str('x') })).toBe(5 + 1 + 6 + 1);
    expect(messageSizeBytes('é😀', {})).toBe(2 + 4);
  });

  it('counts binary values by their decoded length, not their base64 text', () => {
    expect(messageSizeBytes('a', { b: bin(Buffer.alloc(10), 'Binary.gif') })).toBe(1 + 1 + 10 + 10);
  });
});

describe('validateMessageBody', () => {
  it('rejects an empty body as a missing parameter', () => {
    const error = thrown(() => validateMessageBody(''));
    expect(error.code).toBe('MissingParameter');
    expect(error.message).toBe('The request must contain the parameter MessageBody.');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['backspace', 'a\u0008'],
    ['unit separator', '\u0013'],
    ['U+FFFF', '\uFFFF'],
    ['U+FFFE', 'x\uFFFE'],
    ['lone high surrogate', 'a\uD800b'],
    ['lone low surrogate', 'a\uDC00'],
    ['reversed pair', '\uDE00\uD83D'],
    ['high surrogate at the end', 'abc\uD83D'],
  ])('rejects %s as InvalidMessageContents', (_label, body) => {
    expect(thrown(() => validateMessageBody(body)).code).toBe('InvalidMessageContents');
  });

  it('accepts tab, newline, carriage return, BMP text and surrogate pairs', () => {
    expect(() => validateMessageBody('\t\n\r é 漢 \uE000 \uFFFD 😀 \u{10FFFF}')).not.toThrow();
  });

  it('checks an 8 MiB body quickly', () => {
    const ascii = 'a'.repeat(8 * 1024 * 1024 - 2) + '😀';
    const startedAt = performance.now();
    validateMessageBody(ascii);
    expect(() => validateMessageBody(`${ascii}\uD800`)).toThrow(SqsError);
    expect(performance.now() - startedAt).toBeLessThan(1000);
  });
});

describe('validateMessageAttributes', () => {
  const invalidWith = (attributes: MessageAttributeMap) => {
    const error = thrown(() => validateMessageAttributes(attributes));
    expect(error.code).toBe('InvalidParameterValue');
    return error.message;
  };

  it('accepts the usual types, custom labels and Unicode letters in names', () => {
    expect(() =>
      validateMessageAttributes({
        'attr.1øßä': str('Valida'),
        n: { DataType: 'Number.int', StringValue: '-1.5e10' },
        b: bin(Buffer.from([0, 255]), 'Binary.gif'),
        s: { DataType: 'String.json', StringValue: '{"a":1}' },
        'a-b_c.d': str('x'),
      }),
    ).not.toThrow();
  });

  it('allows 10 attributes and rejects 11 with AWS wording', () => {
    const attributes = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, str('v')]));
    expect(() => validateMessageAttributes(attributes(10))).not.toThrow();
    expect(invalidWith(attributes(11))).toBe('Number of message attributes [11] exceeds the allowed maximum [10].');
  });

  it.each(['AWS.x', 'aws.x', 'aMaZoN.x', '.x', 'x.', 'a..b', 'Invalid-!-attr', 'a§b', 'a b', 'L'.repeat(257), ''])(
    'rejects the name %j',
    (name) => {
      invalidWith({ [name]: str('v') });
    },
  );

  it('accepts a name of exactly 256 characters', () => {
    expect(() => validateMessageAttributes({ ['L'.repeat(256)]: str('v') })).not.toThrow();
  });

  it.each(['Invalid', 'string', 'StringX', 'String.', '', `Number.${'L'.repeat(256)}`])('rejects the DataType %j', (type) => {
    invalidWith({ a: { DataType: type, StringValue: '1' } });
  });

  it('requires a non-empty value of the matching type (AWS wording for String)', () => {
    expect(invalidWith({ ErrorDetails: str('') })).toBe(
      "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.",
    );
    expect(invalidWith({ a: { DataType: 'Binary', StringValue: 'x' } })).toContain("non-empty value of type 'Binary'");
    expect(invalidWith({ a: { DataType: 'Number' } })).toContain("non-empty value of type 'Number'");
    expect(invalidWith({ a: { DataType: 'String', StringValue: 'x', BinaryValue: 'AQID' } })).toContain('single value');
  });

  it.each(['abc', '1,5', '', ' 1', '1e', '.', '1'.repeat(39), '1e127', '1e-129'])('rejects the Number %j', (value) => {
    invalidWith({ n: { DataType: 'Number', StringValue: value || 'x' } });
  });

  it.each(['0', '-0.0', '+12.50', '.5', '1E10', '1'.repeat(38), '1'.repeat(38) + '000', '1e126', '9.9e125', '1e-128'])(
    'accepts the Number %j',
    (value) => {
      expect(() => validateMessageAttributes({ n: { DataType: 'Number', StringValue: value } })).not.toThrow();
    },
  );

  it('rejects a Number with a non-numeric value with the usual emulator wording', () => {
    expect(invalidWith({ Hello: { DataType: 'Number', StringValue: 'world' } })).toBe(
      "Can't cast the value of message (user) attribute 'Hello' to a number.",
    );
  });

  it('rejects invalid base64 and invalid characters in String values', () => {
    invalidWith({ b: { DataType: 'Binary', BinaryValue: 'not base64!' } });
    invalidWith({ b: { DataType: 'Binary', BinaryValue: 'AQI' } });
    invalidWith({ s: str(`Invalid-${String.fromCharCode(8)}`) });
  });
});

describe('validateSystemAttributes', () => {
  it('accepts AWSTraceHeader as a non-empty String', () => {
    expect(() => validateSystemAttributes({ AWSTraceHeader: str('Root=1-abc') })).not.toThrow();
    expect(() => validateSystemAttributes({})).not.toThrow();
  });

  it.each<[string, MessageAttributeMap]>([
    ['another name', { Hello: str('World') }],
    ['another type', { AWSTraceHeader: { DataType: 'Number', StringValue: '1' } }],
    ['an empty value', { AWSTraceHeader: str('') }],
  ])('rejects %s as InvalidParameterValue', (_label, attributes) => {
    expect(thrown(() => validateSystemAttributes(attributes)).code).toBe('InvalidParameterValue');
  });
});

describe('selectMessageAttributes (reference §4.5)', () => {
  const attributes: MessageAttributeMap = { Hello: str('There'), 'Help.Me': str('Me'), General: str('Kenobi') };

  it.each([['All'], ['.*'], ['*']])('%s selects everything', (name) => {
    expect(selectMessageAttributes(attributes, [name])).toEqual(attributes);
  });

  it('selects nothing when no names are given', () => {
    expect(selectMessageAttributes(attributes, undefined)).toEqual({});
    expect(selectMessageAttributes(attributes, [])).toEqual({});
  });

  it('selects exact names and prefix patterns, ignoring unknown and invalid names', () => {
    expect(selectMessageAttributes(attributes, ['Hel.*'])).toEqual({ Hello: str('There'), 'Help.Me': str('Me') });
    expect(selectMessageAttributes(attributes, ['General', 'Nope', 'AWS.General', '..foo'])).toEqual({ General: str('Kenobi') });
    expect(selectMessageAttributes({ AWSx: str('1') }, ['AWS.*'])).toEqual({});
  });

  it('keeps an attribute named __proto__ as an own property', () => {
    const odd = JSON.parse('{"__proto__":{"DataType":"String","StringValue":"x"}}') as MessageAttributeMap;
    expect(Object.keys(selectMessageAttributes(odd, ['All']))).toEqual(['__proto__']);
    expect(Object.keys(selectMessageAttributes(odd, ['__proto__']))).toEqual(['__proto__']);
  });
});

describe('selectSystemAttributes (reference §4.6)', () => {
  const available = { SenderId: 'AIDA', SentTimestamp: '1', ApproximateReceiveCount: '1' };

  it('returns everything available for All and only requested, available names otherwise', () => {
    expect(selectSystemAttributes(available, ['All'])).toEqual(available);
    expect(selectSystemAttributes(available, ['SenderId', 'SequenceNumber', 'toString'])).toEqual({ SenderId: 'AIDA' });
    expect(selectSystemAttributes(available, undefined)).toEqual({});
  });
});
