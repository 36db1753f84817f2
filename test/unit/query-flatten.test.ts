import { describe, expect, it } from 'vitest';
import { createWireRequest } from '../../src/api/protocol.js';
import { decodeParams } from '../../src/api/query/flatten.js';
import { queryProtocol } from '../../src/api/query/query-protocol.js';
import { shapeOf } from '../../src/api/query/shapes.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

/** Decodes a Query request exactly as dispatch does: form parsing, envelope removal, flattening. */
function decode(action: string, body: string, url = '/'): Record<string, unknown> {
  return queryProtocol.decode(action, createWireRequest(FORM, url, Buffer.from(body)));
}

/** Joins a multi-line parameter listing (lines may start with `&`) into one form body. */
const form = (lines: string) =>
  lines
    .trim()
    .split(/\s*\n\s*/)
    .map((line) => line.replace(/^&/, ''))
    .join('&');

describe('Query decoding into the canonical JSON shape', () => {
  it('decodes the SendMessage captured from JS SDK v2 (reference §1.3)', () => {
    // given
    const body = form(`
      Action=SendMessage&DelaySeconds=5
      &MessageAttribute.1.Name=s&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v
      &MessageAttribute.2.Name=b&MessageAttribute.2.Value.BinaryValue=AQID&MessageAttribute.2.Value.DataType=Binary
      &MessageBody=hello
      &MessageSystemAttribute.1.Name=AWSTraceHeader&MessageSystemAttribute.1.Value.DataType=String&MessageSystemAttribute.1.Value.StringValue=Root%3D1-abc
      &QueueUrl=http%3A%2F%2F127.0.0.2%3A9324%2F000000000000%2Fq1&Version=2012-11-05`);
    // when
    const input = decode('SendMessage', body);
    // then
    expect(input).toStrictEqual({
      QueueUrl: 'http://127.0.0.2:9324/000000000000/q1',
      MessageBody: 'hello',
      DelaySeconds: 5,
      MessageAttributes: {
        s: { DataType: 'String', StringValue: 'v' },
        b: { DataType: 'Binary', BinaryValue: 'AQID' },
      },
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } },
    });
  });

  it.each([
    ['CreateQueue', 'QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5&Tag.1.Key=team&Tag.1.Value=a&Tag.2.Key=env&Tag.2.Value=', {
      QueueName: 'q',
      Attributes: { DelaySeconds: '5' },
      tags: { team: 'a', env: '' },
    }],
    ['SetQueueAttributes', 'QueueUrl=u&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=60', {
      QueueUrl: 'u',
      Attributes: { VisibilityTimeout: '60' },
    }],
    ['TagQueue', 'QueueUrl=u&Tag.1.Key=team&Tag.1.Value=a', { QueueUrl: 'u', Tags: { team: 'a' } }],
    ['UntagQueue', 'QueueUrl=u&TagKey.1=team&TagKey.2=env', { QueueUrl: 'u', TagKeys: ['team', 'env'] }],
    ['GetQueueAttributes', 'QueueUrl=u&AttributeName.1=All', { QueueUrl: 'u', AttributeNames: ['All'] }],
    ['AddPermission', 'QueueUrl=u&Label=l&AWSAccountId.1=111122223333&ActionName.1=SendMessage&ActionName.2=ReceiveMessage', {
      QueueUrl: 'u',
      Label: 'l',
      AWSAccountIds: ['111122223333'],
      Actions: ['SendMessage', 'ReceiveMessage'],
    }],
    ['ListQueues', 'QueueNamePrefix=a&MaxResults=2&NextToken=t', { QueueNamePrefix: 'a', MaxResults: 2, NextToken: 't' }],
    ['ListDeadLetterSourceQueues', 'QueueUrl=u&MaxResults=10', { QueueUrl: 'u', MaxResults: 10 }],
    ['StartMessageMoveTask', 'SourceArn=arn&MaxNumberOfMessagesPerSecond=50', { SourceArn: 'arn', MaxNumberOfMessagesPerSecond: 50 }],
    ['ListMessageMoveTasks', 'SourceArn=arn&MaxResults=1', { SourceArn: 'arn', MaxResults: 1 }],
    ['ChangeMessageVisibility', 'QueueUrl=u&ReceiptHandle=r&VisibilityTimeout=0', { QueueUrl: 'u', ReceiptHandle: 'r', VisibilityTimeout: 0 }],
  ])('decodes %s', (action, body, expected) => {
    expect(decode(action, `Action=${action}&Version=2012-11-05&${body}`)).toStrictEqual(expected);
  });

  it('decodes every ReceiveMessage list and coerces its integers', () => {
    // given
    const body = form(`
      Action=ReceiveMessage&QueueUrl=u&AttributeName.1=SenderId&AttributeName.2=SentTimestamp
      &MessageSystemAttributeName.1=All&MessageAttributeName.1=Hello&MessageAttributeName.2=All
      &MaxNumberOfMessages=10&VisibilityTimeout=30&WaitTimeSeconds=20&ReceiveRequestAttemptId=a1`);
    // when / then
    expect(decode('ReceiveMessage', body)).toStrictEqual({
      QueueUrl: 'u',
      AttributeNames: ['SenderId', 'SentTimestamp'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['Hello', 'All'],
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 30,
      WaitTimeSeconds: 20,
      ReceiveRequestAttemptId: 'a1',
    });
  });

  it('decodes an empty list the way SDKs send it: the bare element name with no value', () => {
    const input = decode('SendMessageBatch', 'Action=SendMessageBatch&QueueUrl=u&SendMessageBatchRequestEntry=&Version=2012-11-05');
    expect(input).toStrictEqual({ QueueUrl: 'u', Entries: [] });
  });

  it.each([
    ['SendMessageBatch', 'Entries', { QueueUrl: 'u', Entries: [] }],
    ['GetQueueAttributes', 'AttributeNames', { QueueUrl: 'u', AttributeNames: [] }],
    ['UntagQueue', 'TagKeys', { QueueUrl: 'u', TagKeys: [] }],
  ])('decodes %s with an empty list under the member name, as botocore sends it', (action, member, expected) => {
    expect(decode(action, `Action=${action}&QueueUrl=u&${member}=&Version=2012-11-05`)).toStrictEqual(expected);
  });

  it('orders list entries by their numeric index, not by parameter order', () => {
    const body = 'AttributeName.10=j&AttributeName.2=b&AttributeName.1=a';
    expect(decode('GetQueueAttributes', body).AttributeNames).toEqual(['a', 'b', 'j']);
  });

  it('decodes SendMessageBatch entries with nested attributes and integer DelaySeconds', () => {
    // given
    const body = form(`
      Action=SendMessageBatch&QueueUrl=u
      &SendMessageBatchRequestEntry.2.Id=second&SendMessageBatchRequestEntry.2.MessageBody=two
      &SendMessageBatchRequestEntry.1.Id=first&SendMessageBatchRequestEntry.1.MessageBody=one
      &SendMessageBatchRequestEntry.1.DelaySeconds=10&SendMessageBatchRequestEntry.1.MessageGroupId=g
      &SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=n&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Number
      &SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=42
      &SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Name=AWSTraceHeader
      &SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.DataType=String
      &SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.StringValue=Root%3D1`);
    // when / then
    expect(decode('SendMessageBatch', body)).toStrictEqual({
      QueueUrl: 'u',
      Entries: [
        {
          Id: 'first',
          MessageBody: 'one',
          DelaySeconds: 10,
          MessageGroupId: 'g',
          MessageAttributes: { n: { DataType: 'Number', StringValue: '42' } },
        },
        {
          Id: 'second',
          MessageBody: 'two',
          MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1' } },
        },
      ],
    });
  });

  it('decodes DeleteMessageBatch and ChangeMessageVisibilityBatch entries', () => {
    const deletes = 'QueueUrl=u&DeleteMessageBatchRequestEntry.1.Id=a&DeleteMessageBatchRequestEntry.1.ReceiptHandle=r1';
    const changes =
      'QueueUrl=u&ChangeMessageVisibilityBatchRequestEntry.1.Id=a&ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle=r1' +
      '&ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=45';
    expect(decode('DeleteMessageBatch', deletes)).toStrictEqual({ QueueUrl: 'u', Entries: [{ Id: 'a', ReceiptHandle: 'r1' }] });
    expect(decode('ChangeMessageVisibilityBatch', changes)).toStrictEqual({
      QueueUrl: 'u',
      Entries: [{ Id: 'a', ReceiptHandle: 'r1', VisibilityTimeout: 45 }],
    });
  });

  it.each([
    ['5', 5],
    ['-1', -1],
    ['007', 7],
    ['abc', 'abc'],
    ['1.5', '1.5'],
    ['', ''],
    [' 5', ' 5'],
    ['1e3', '1e3'],
  ])('coerces DelaySeconds=%j to %j only when it is an integer', (raw, expected) => {
    const input = decode('SendMessage', `MessageBody=m&DelaySeconds=${encodeURIComponent(raw)}`);
    expect(input.DelaySeconds).toStrictEqual(expected);
  });

  it('decodes both `+` (botocore) and `%20` (JS v2) as spaces, and `%2B` as a plus', () => {
    const input = decode('SendMessage', 'MessageBody=a+b%20c%2Bd&MessageGroupId=x%26y');
    expect(input).toStrictEqual({ MessageBody: 'a b c+d', MessageGroupId: 'x&y' });
  });

  it('decodes percent-encoded CRLF and multi-byte UTF-8 exactly', () => {
    const body = 'line1\r\nline2 é 日本 😀';
    expect(decode('SendMessage', `MessageBody=${encodeURIComponent(body)}`).MessageBody).toBe(body);
  });

  it('merges URL query parameters with the form body, the body winning', () => {
    const input = decode('SendMessage', 'MessageBody=from-body', '/?Action=SendMessage&MessageBody=from-url&DelaySeconds=3');
    expect(input).toStrictEqual({ MessageBody: 'from-body', DelaySeconds: 3 });
  });

  it('drops envelope and signing parameters but passes unknown scalars to the schema', () => {
    const body = 'Action=DeleteQueue&Version=2012-11-05&X-Amz-Signature=abc&QueueUrl=u&Unexpected=1';
    expect(decode('DeleteQueue', body)).toStrictEqual({ QueueUrl: 'u', Unexpected: '1' });
  });

  it('keeps a map entry without a value so the schema can reject it', () => {
    const input = decode('SetQueueAttributes', 'Attribute.1.Name=DelaySeconds');
    expect(input).toHaveProperty('Attributes');
    expect(Object.keys(input.Attributes as object)).toEqual(['DelaySeconds']);
  });

  it('treats client map keys as data, even `__proto__`', () => {
    const input = decode('SendMessage', 'MessageAttribute.1.Name=__proto__&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=x');
    const attributes = input.MessageAttributes as Record<string, unknown>;
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(attributes, '__proto__')?.value).toEqual({ DataType: 'String', StringValue: 'x' });
  });

  it('passes scalars through by name for actions outside the shape table', () => {
    expect(decode('Echo', 'Action=Echo&Text=hi&List.1=ignored')).toStrictEqual({ Text: 'hi' });
  });

  it('reads the action from the body or, for GET, from the query string', () => {
    const post = createWireRequest(FORM, '/', Buffer.from('Action=ListQueues'));
    const get = createWireRequest({}, '/000000000000/q?Action=SendMessage&MessageBody=x', Buffer.alloc(0));
    const none = createWireRequest({}, '/000000000000/q', Buffer.alloc(0));
    expect([post, get, none].map((request) => queryProtocol.readAction(request))).toEqual(['ListQueues', 'SendMessage', undefined]);
  });
});

describe('Query decoding of hostile requests', () => {
  const entries = (prefix: string, count: number, fields: (n: number) => string) =>
    Array.from({ length: count }, (_, i) => fields(i + 1).replace(/\{p\}/g, `${prefix}.${i + 1}`)).join('&');

  it.each([
    ['SendMessageBatch', 'SendMessageBatchRequestEntry', '{p}.Id=e&{p}.MessageBody=b'],
    ['DeleteMessageBatch', 'DeleteMessageBatchRequestEntry', '{p}.Id=e&{p}.ReceiptHandle=r'],
    ['ChangeMessageVisibilityBatch', 'ChangeMessageVisibilityBatchRequestEntry', '{p}.Id=e&{p}.VisibilityTimeout=1'],
  ])('rejects %s with 11 entries as TooManyEntriesInBatchRequest before decoding them', (action, prefix, fields) => {
    const body = `QueueUrl=u&${entries(prefix, 11, () => fields)}`;
    expect(() => decode(action, body)).toThrowError(
      expect.objectContaining({ code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', message: 'Maximum number of entries per request are 10. You have sent 11.' }),
    );
  });

  it('still decodes exactly 10 batch entries', () => {
    const body = `QueueUrl=u&${entries('SendMessageBatchRequestEntry', 10, (n) => `{p}.Id=e${n}&{p}.MessageBody=b`)}`;
    expect((decode('SendMessageBatch', body).Entries as unknown[]).length).toBe(10);
  });

  it('rejects more than 10 MessageAttribute positions with the error SendMessage gives for too many attributes', () => {
    const body = `MessageBody=m&${entries('MessageAttribute', 11, (n) => `{p}.Name=a${n}&{p}.Value.DataType=String&{p}.Value.StringValue=v`)}`;
    expect(() => decode('SendMessage', body)).toThrowError(
      expect.objectContaining({ code: 'InvalidParameterValue', message: 'Number of message attributes [11] exceeds the allowed maximum [10].' }),
    );
  });

  it('leaves too many attributes in a batch entry to the action, which fails only that entry', () => {
    const body = `QueueUrl=u&SendMessageBatchRequestEntry.1.Id=e&SendMessageBatchRequestEntry.1.MessageBody=b&${entries(
      'SendMessageBatchRequestEntry.1.MessageAttribute',
      11,
      (n) => `{p}.Name=a${n}&{p}.Value.DataType=String&{p}.Value.StringValue=v`,
    )}`;
    const [entry] = decode('SendMessageBatch', body).Entries as { MessageAttributes: object }[];
    expect(Object.keys(entry!.MessageAttributes)).toHaveLength(11);
  });

  it('orders absurd indexes without allocating by them', () => {
    const input = decode('GetQueueAttributes', 'AttributeName.999999999999=z&AttributeName.999999999=y&AttributeName.1=a');
    expect(input.AttributeNames).toEqual(['a', 'y', 'z']);
  });

  it('decodes or rejects 10,000 entries reading each parameter a bounded number of times', () => {
    // The old decoder listed every name again for each entry: 10,000 batch entries cost 10^8 name reads
    // (92 s). Counting reads of the parameter object makes the bound exact and independent of machine load.
    const cases = [
      ['SendMessageBatch', `QueueUrl=u&${entries('SendMessageBatchRequestEntry', 10_000, (n) => `{p}.Id=e${n}&{p}.MessageBody=b`)}`],
      ['GetQueueAttributes', entries('AttributeName', 10_000, (n) => `{p}=Name${n}`)],
      ['SendMessage', `MessageBody=m&${entries('MessageSystemAttribute', 10_000, (n) => `{p}.Name=n${n}&{p}.Value.DataType=String`)}`],
    ] as const;
    for (const [action, body] of cases) {
      const params = createWireRequest(FORM, '/', Buffer.from(body)).form();
      const size = Object.keys(params).length;
      let reads = 0;
      const counted = new Proxy(params, {
        ownKeys: (target) => {
          reads += size;
          return Reflect.ownKeys(target);
        },
        get: (target, key) => {
          reads += 1;
          return Reflect.get(target, key);
        },
      });
      try {
        decodeParams(counted, shapeOf(action)!.input);
      } catch (error) {
        expect(error).toMatchObject({ message: 'Maximum number of entries per request are 10. You have sent 10000.' });
      }
      expect(reads).toBeLessThanOrEqual(3 * size);
    }
  });

  it('decodes 10,000 entries within a generous wall-clock bound', () => {
    // A sanity check only (the read count above is the real bound): linear decoding takes well under a
    // second even on a loaded machine, where the old decoder took 92 s.
    const started = performance.now();
    decode('GetQueueAttributes', entries('AttributeName', 10_000, (n) => `{p}=Name${n}`));
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it.each([
    ['in the body', '/', 'Action=SendMessage&MessageBody=m&Action=DeleteQueue'],
    ['in the query string', '/?QueueUrl=a&QueueUrl=b', 'Action=SendMessage&MessageBody=m'],
  ])('refuses a parameter repeated %s instead of keeping the last', (_where, url, body) => {
    const request = createWireRequest(FORM, url, Buffer.from(body));
    expect(() => queryProtocol.readAction(request)).toThrowError(
      expect.objectContaining({ code: 'InvalidParameterValue', message: expect.stringMatching(/^The parameter (Action|QueueUrl) appears more than once/) }),
    );
  });

  it('refuses percent-encoded bytes that are not UTF-8: InvalidMessageContents for a body, InvalidParameterValue elsewhere', () => {
    expect(() => decode('SendMessage', 'MessageBody=a%FFb')).toThrowError(expect.objectContaining({ code: 'InvalidMessageContents' }));
    expect(() => decode('SendMessage', 'SendMessageBatchRequestEntry.1.MessageBody=%ED%A0%80')).toThrowError(
      expect.objectContaining({ code: 'InvalidMessageContents' }),
    );
    expect(() => decode('SendMessage', 'MessageBody=m&MessageGroupId=%C3')).toThrowError(
      expect.objectContaining({ code: 'InvalidParameterValue', message: 'The value of parameter MessageGroupId is not valid UTF-8.' }),
    );
  });

  it('refuses a raw body that is not UTF-8', () => {
    const body = Buffer.concat([Buffer.from('Action=SendMessage&MessageBody='), Buffer.from([0xc3, 0x28])]);
    expect(() => queryProtocol.readAction(createWireRequest(FORM, '/', body))).toThrowError(expect.objectContaining({ code: 'InvalidParameterValue' }));
  });

  it('keeps bad percent escapes literally next to good ones', () => {
    expect(decode('SendMessage', 'MessageBody=100%25+%zz%E2%82%AC').MessageBody).toBe('100% %zz€');
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('treats %s as an ordinary name in maps and scalars', (name) => {
    const input = decode('TagQueue', `QueueUrl=u&Tag.1.Key=${name}&Tag.1.Value=v&${name}=x`);
    expect(Object.getOwnPropertyDescriptor(input.Tags, name)?.value).toBe('v');
    expect(Object.getOwnPropertyDescriptor(input, name)?.value).toBe('x');
  });
});

describe('the Query parameter cap', () => {
  it('refuses a request with more parameters than any SQS action can use, before decoding', async () => {
    const { MAX_QUERY_PARAMETERS } = await import('../../src/api/protocol.js');
    const body = 'Action=ListQueues&' + Array.from({ length: MAX_QUERY_PARAMETERS }, (_, i) => `p${i}=`).join('&');
    expect(() => queryProtocol.readAction(createWireRequest(FORM, '/', Buffer.from(body)))).toThrowError(
      expect.objectContaining({ code: 'InvalidParameterValue', message: `The request has more than ${MAX_QUERY_PARAMETERS} parameters.` }),
    );
  });
});
