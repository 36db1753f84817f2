import { request as httpRequest } from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE_URL, callers, FORM_TYPE, injectApp } from '../helpers/inject-app.js';

// Hostile input through the real app and actions (issue 12 items 4 and 6): every answer is an SQS error
// in the request's protocol, never a 5xx, and never touches a queue the request did not name.

let app: FastifyInstance;
let close: () => Promise<void>;
let call: ReturnType<typeof callers>;

beforeEach(async () => {
  ({ app, close } = await injectApp());
  call = callers(app);
});
afterEach(async () => close());

const xml = new XMLParser({ parseTagValue: false });
type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

// XML 1.0 Char production: what a conforming parser (expat, botocore) accepts.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function queryError(res: Response) {
  expect(NOT_XML_CHAR.test(res.body)).toBe(false);
  expect(XMLValidator.validate(res.body)).toBe(true);
  const error = xml.parse(res.body).ErrorResponse.Error;
  return { status: res.statusCode, code: error.Code as string, message: error.Message as string };
}

function jsonError(res: Response) {
  expect(res.headers['content-type']).toBe('application/x-amz-json-1.0');
  return { status: res.statusCode, code: String(res.headers['x-amzn-query-error']).split(';')[0], message: res.json().message as string };
}

const queueUrl = (name: string) => `${BASE_URL}/000000000000/${name}`;

async function queueExists(name: string): Promise<boolean> {
  const res = await call.json('GetQueueUrl', { QueueName: name });
  return res.statusCode === 200;
}

describe('methods and paths', () => {
  it('never runs an action for HEAD', async () => {
    // given
    await call.json('CreateQueue', { QueueName: 'victim' });
    // when
    const res = await app.inject({ method: 'HEAD', url: `/?Action=DeleteQueue&QueueUrl=${encodeURIComponent(queueUrl('victim'))}` });
    const send = await app.inject({ method: 'HEAD', url: `/000000000000/victim?Action=SendMessage&MessageBody=x` });
    // then
    expect([res.statusCode, send.statusCode]).toEqual([404, 404]);
    expect(await queueExists('victim')).toBe(true);
    const attributes = await call.json('GetQueueAttributes', { QueueUrl: queueUrl('victim'), AttributeNames: ['ApproximateNumberOfMessages'] });
    expect(attributes.json().Attributes.ApproximateNumberOfMessages).toBe('0');
  });

  it.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const)('answers %s with a 404 and runs nothing', async (method) => {
    await call.json('CreateQueue', { QueueName: 'victim' });
    const res = await app.inject({ method, url: `/?Action=DeleteQueue&QueueUrl=${encodeURIComponent(queueUrl('victim'))}` });
    expect(res.statusCode).toBe(404);
    expect(await queueExists('victim')).toBe(true);
  });

  it('answers a JSON request with a method other than POST as a JSON error', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: { 'x-amz-target': 'AmazonSQS.ListQueues' } });
    expect(jsonError(res)).toMatchObject({ status: 404, code: 'UnknownOperation' });
  });

  it.each([
    '/000000000000/..%2fvictim2',
    '/000000000000/..%2Fvictim2',
    '/000000000000/x%5c..%5cvictim2',
    '/queue/us-east-1/000000000000/..%2fvictim2',
  ])('refuses the queue path %s instead of resolving it to another queue', async (path) => {
    // given
    await call.json('CreateQueue', { QueueName: 'victim2' });
    // when
    const res = await app.inject({ method: 'POST', url: path, headers: { 'content-type': FORM_TYPE }, payload: 'Action=DeleteQueue' });
    // then
    expect(queryError(res)).toMatchObject({ status: 404, code: 'InvalidAddress' });
    expect(await queueExists('victim2')).toBe(true);
  });

  it.each(['/000000000000/..', '/000000000000/%2e%2e', '/000000000000/.'])('refuses the dot segment %s sent over a socket', async (path) => {
    // inject() normalises dot segments away, so this one goes over a real connection.
    await call.json('CreateQueue', { QueueName: 'victim2' });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': FORM_TYPE } }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end('Action=DeleteQueue');
    });
    expect(res.status).toBe(404);
    expect(res.body).toContain('<Code>InvalidAddress</Code>');
    expect(await queueExists('victim2')).toBe(true);
  });

  it('still serves a plain queue path', async () => {
    await call.json('CreateQueue', { QueueName: 'q1' });
    const res = await app.inject({ method: 'POST', url: '/000000000000/q1', headers: { 'content-type': FORM_TYPE }, payload: 'Action=GetQueueAttributes&AttributeName.1=QueueArn' });
    expect(res.statusCode).toBe(200);
  });

  it.each([
    ['a malformed percent-encoding in the path', '/000000000000/%E0%A4%A?Action=ListQueues'],
    ['an over-long path segment', `/000000000000/${'q'.repeat(500)}?Action=ListQueues`],
  ])('answers %s with an SQS InvalidAddress, not fastify JSON', async (_what, url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(queryError(res)).toMatchObject({ status: 404, code: 'InvalidAddress' });
    const json = await app.inject({ method: 'POST', url, headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' }, payload: '{}' });
    expect(jsonError(json)).toMatchObject({ status: 404, code: 'InvalidAddress' });
  });

  it('answers requests that arrive during shutdown with a retryable SQS 503', async () => {
    const closing = app.close();
    const [query, json] = await Promise.all([
      app.inject({ method: 'GET', url: '/?Action=ListQueues' }),
      call.json('ListQueues', {}),
    ]);
    await closing;
    expect(queryError(query)).toMatchObject({ status: 503, code: 'ServiceUnavailable' });
    expect(jsonError(json)).toMatchObject({ status: 503, code: 'ServiceUnavailable' });
  });
});

describe('duplicate and malformed form parameters', () => {
  it('refuses a repeated Action instead of letting the last one delete the queue', async () => {
    // given
    await call.json('CreateQueue', { QueueName: 'victim' });
    // when
    const payload = `Action=SendMessage&QueueUrl=${encodeURIComponent(queueUrl('victim'))}&MessageBody=hi&Action=DeleteQueue`;
    const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': FORM_TYPE }, payload });
    // then
    expect(queryError(res)).toMatchObject({ status: 400, code: 'InvalidParameterValue', message: 'The parameter Action appears more than once in the request.' });
    expect(await queueExists('victim')).toBe(true);
  });

  it.each([
    ['a control character', 'Action=%01'],
    ['U+FFFF', 'Action=%EF%BF%BF'],
    ['a lone surrogate', 'Action=%ED%A0%80'],
    ['NUL in an unknown action', 'Action=Foo%00Bar'],
    ['a lone surrogate in a name', 'Action=ListQueues&%ED%A0%80=1'],
  ])('answers an action with %s in well-formed XML', async (_what, payload) => {
    const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': FORM_TYPE }, payload });
    expect(queryError(res).status).toBe(400);
  });
});

describe.each(['json', 'query'] as const)('message content over %s', (protocol) => {
  beforeEach(async () => {
    await call.json('CreateQueue', { QueueName: 'q' });
  });
  const error = (res: Response) => (protocol === 'json' ? jsonError(res) : queryError(res));

  function send(params: { body?: string; dataType?: string; trace?: string; delay?: string | number }) {
    const { body = 'm', dataType, trace, delay } = params;
    if (protocol === 'json') {
      return call.json('SendMessage', {
        QueueUrl: queueUrl('q'),
        MessageBody: body,
        ...(dataType ? { MessageAttributes: { a: { DataType: dataType, StringValue: 'v' } } } : {}),
        ...(trace ? { MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } } } : {}),
        ...(delay !== undefined ? { DelaySeconds: delay } : {}),
      });
    }
    return call.query('SendMessage', {
      QueueUrl: queueUrl('q'),
      MessageBody: body,
      ...(dataType ? { 'MessageAttribute.1.Name': 'a', 'MessageAttribute.1.Value.DataType': dataType, 'MessageAttribute.1.Value.StringValue': 'v' } : {}),
      ...(trace
        ? { 'MessageSystemAttribute.1.Name': 'AWSTraceHeader', 'MessageSystemAttribute.1.Value.DataType': 'String', 'MessageSystemAttribute.1.Value.StringValue': trace }
        : {}),
      ...(delay !== undefined ? { DelaySeconds: delay } : {}),
    });
  }

  it.each([
    ['NUL', 'a\u0000b'],
    ['a control character', '\u0001'],
    ['U+FFFE', '\uFFFE'],
    ['a lone high surrogate', 'x\uD800'],
    ['a lone low surrogate', '\uDC00y'],
  ])('refuses a body with %s as InvalidMessageContents', async (_what, body) => {
    // A lone surrogate reaches Query only as its (invalid) UTF-8 bytes: URLSearchParams would send U+FFFD.
    const res =
      protocol === 'query' && /[\uD800-\uDFFF]/.test(body)
        ? await app.inject({
            method: 'POST',
            url: '/',
            headers: { 'content-type': FORM_TYPE },
            payload: `Action=SendMessage&QueueUrl=${encodeURIComponent(queueUrl('q'))}&MessageBody=${body.charCodeAt(0) === 0x78 ? 'x%ED%A0%80' : '%ED%B0%80y'}`,
          })
        : await send({ body });
    expect(error(res)).toMatchObject({ status: 400, code: 'InvalidMessageContents' });
  });

  it.each([
    ['a DataType', { dataType: 'String.\u0001' }],
    ['an AWSTraceHeader', { trace: 'Root=\u0001' }],
  ])('refuses %s XML cannot carry, so no later Query receive is poisoned', async (_what, params) => {
    expect(error(await send(params))).toMatchObject({ status: 400, code: 'InvalidParameterValue' });
    const received = await call.query('ReceiveMessage', { QueueUrl: queueUrl('q'), 'AttributeName.1': 'All', 'MessageAttributeName.1': 'All' });
    expect(received.statusCode).toBe(200);
    expect(XMLValidator.validate(received.body)).toBe(true);
  });

  it.each([['1e400'], ['99999999999999999999999'], ['-99999999999999999999999']])('refuses DelaySeconds %s as InvalidParameterValue', async (delay) => {
    const value = protocol === 'json' ? JSON.parse(delay) : delay;
    expect(error(await send({ delay: value }))).toMatchObject({ status: 400, code: 'InvalidParameterValue' });
  });
});

describe('JSON structure', () => {
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it.each(['QueueUrl', 'MessageBody', 'MessageAttributes', 'DelaySeconds'])('answers %s nested 5,000 deep with a 400, not a stack overflow', async (member) => {
    await call.json('CreateQueue', { QueueName: 'q' });
    const payload = `{"QueueUrl":"${queueUrl('q')}","MessageBody":"m","${member}":${deep(5000)}}`.replace(`"QueueUrl":"${queueUrl('q')}","QueueUrl"`, '"QueueUrl"');
    const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' }, payload });
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-amzn-query-error']).toMatch(/;Sender$/);
  });

  it('answers a member nested 100,000 deep with a 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' }, payload: `{"QueueUrl":${deep(100_000)}}` });
    expect(res.statusCode).toBe(400);
  });

  it('refuses a JSON body that is not UTF-8', async () => {
    const payload = Buffer.concat([Buffer.from('{"QueueName":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' }, payload });
    expect(jsonError(res)).toMatchObject({ status: 400, code: 'SerializationException', message: 'The request body is not valid UTF-8.' });
  });
});

describe.each(['json', 'query'] as const)('prototype names are ordinary names over %s', (protocol) => {
  const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it('keeps them as tag keys', async () => {
    // given
    await call.json('CreateQueue', { QueueName: 'q' });
    // when
    const tagged =
      protocol === 'json'
        ? await call.json('TagQueue', { QueueUrl: queueUrl('q'), Tags: JSON.parse(`{${NAMES.map((n) => `"${n}":"v-${n}"`).join(',')}}`) })
        : await call.query('TagQueue', { QueueUrl: queueUrl('q'), ...Object.fromEntries(NAMES.flatMap((n, i) => [[`Tag.${i + 1}.Key`, n], [`Tag.${i + 1}.Value`, `v-${n}`]])) });
    // then
    expect(tagged.statusCode).toBe(200);
    const listed = await call.json('ListQueueTags', { QueueUrl: queueUrl('q') });
    const tags = JSON.parse(listed.body).Tags;
    expect(Object.keys(tags).sort()).toEqual([...NAMES].sort());
    expect(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value).toBe('v-__proto__');
  });

  it('keeps them as message attribute names', async () => {
    // given
    await call.json('CreateQueue', { QueueName: 'q' });
    const attributes = NAMES.map((n) => `"${n}":{"DataType":"String","StringValue":"v-${n}"}`).join(',');
    // when
    const sent =
      protocol === 'json'
        ? await call.json('SendMessage', { QueueUrl: queueUrl('q'), MessageBody: 'm', MessageAttributes: JSON.parse(`{${attributes}}`) })
        : await call.query('SendMessage', {
            QueueUrl: queueUrl('q'),
            MessageBody: 'm',
            ...Object.fromEntries(
              NAMES.flatMap((n, i) => [
                [`MessageAttribute.${i + 1}.Name`, n],
                [`MessageAttribute.${i + 1}.Value.DataType`, 'String'],
                [`MessageAttribute.${i + 1}.Value.StringValue`, `v-${n}`],
              ]),
            ),
          });
    // then
    expect(sent.statusCode).toBe(200);
    const received = await call.json('ReceiveMessage', { QueueUrl: queueUrl('q'), MessageAttributeNames: ['All'] });
    const message = JSON.parse(received.body).Messages[0];
    expect(Object.keys(message.MessageAttributes).sort()).toEqual([...NAMES].sort());
  });

  it('rejects them as queue attribute names, as any unknown attribute', async () => {
    const res =
      protocol === 'json'
        ? await call.json('CreateQueue', { QueueName: 'q', Attributes: JSON.parse('{"__proto__":"1"}') })
        : await call.query('CreateQueue', { QueueName: 'q', 'Attribute.1.Name': '__proto__', 'Attribute.1.Value': '1' });
    expect(res.statusCode).toBe(400);
    expect(await queueExists('q')).toBe(false);
  });
});
