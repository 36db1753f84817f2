import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { encodeQueryError } from '../../src/api/error-encoding.js';
import { queryProtocol } from '../../src/api/query/query-protocol.js';
import { escapeXml, renderResult } from '../../src/api/query/xml.js';
import { SqsErrors } from '../../src/core/errors.js';

const NS = 'xmlns="http://queue.amazonaws.com/doc/2012-11-05/"';
const META = '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>';

/** Golden documents are written indented for reading; the renderer emits no whitespace between elements. */
const golden = (xml: string) => xml.replace(/>\s+</g, '><').trim();

describe('Query XML rendering', () => {
  it('renders ReceiveMessage with system and message attributes in model order', () => {
    // given: members deliberately out of model order, as a handler might build them
    const output = {
      Messages: [
        {
          MessageAttributes: {
            Hello: { DataType: 'String', StringValue: 'There' },
            Bin: { DataType: 'Binary', BinaryValue: 'AQID' },
          },
          Body: 'hello',
          MessageId: 'm-1',
          ReceiptHandle: 'rh+/=',
          MD5OfBody: '5d41402abc4b2a76b9719d911017c592',
          Attributes: { SentTimestamp: '1700000000000', ApproximateReceiveCount: '1' },
          MD5OfMessageAttributes: 'a311262e065454b75da111d535b8dacd',
        },
      ],
    };
    // when / then
    expect(renderResult('ReceiveMessage', output, 'req-1')).toBe(
      golden(`
      <ReceiveMessageResponse ${NS}><ReceiveMessageResult>
        <Message>
          <MessageId>m-1</MessageId><ReceiptHandle>rh+/=</ReceiptHandle>
          <MD5OfBody>5d41402abc4b2a76b9719d911017c592</MD5OfBody><Body>hello</Body>
          <Attribute><Name>SentTimestamp</Name><Value>1700000000000</Value></Attribute>
          <Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>
          <MD5OfMessageAttributes>a311262e065454b75da111d535b8dacd</MD5OfMessageAttributes>
          <MessageAttribute><Name>Hello</Name><Value><StringValue>There</StringValue><DataType>String</DataType></Value></MessageAttribute>
          <MessageAttribute><Name>Bin</Name><Value><BinaryValue>AQID</BinaryValue><DataType>Binary</DataType></Value></MessageAttribute>
        </Message>
      </ReceiveMessageResult>${META}</ReceiveMessageResponse>`),
    );
  });

  it.each([
    ['an empty receive', { Messages: [] }],
    ['a receive without Messages', {}],
  ])('always emits <ReceiveMessageResult/> for %s', (_case, output) => {
    expect(renderResult('ReceiveMessage', output, 'req-1')).toBe(
      `<ReceiveMessageResponse ${NS}><ReceiveMessageResult/>${META}</ReceiveMessageResponse>`,
    );
  });

  it('renders SendMessageBatch successes and failures as flattened entries', () => {
    const output = {
      Successful: [{ Id: 'a', MessageId: 'm-1', MD5OfMessageBody: '0cc175b9c0f1b6a831c399e269772661' }],
      Failed: [
        {
          Id: 'b',
          SenderFault: true,
          Code: 'InvalidParameterValue',
          Message: 'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.',
        },
      ],
    };
    expect(renderResult('SendMessageBatch', output, 'req-1')).toBe(
      golden(`
      <SendMessageBatchResponse ${NS}><SendMessageBatchResult>
        <SendMessageBatchResultEntry><Id>a</Id><MessageId>m-1</MessageId>
          <MD5OfMessageBody>0cc175b9c0f1b6a831c399e269772661</MD5OfMessageBody></SendMessageBatchResultEntry>
        <BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>InvalidParameterValue</Code>
          <Message>One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.</Message></BatchResultErrorEntry>
      </SendMessageBatchResult>${META}</SendMessageBatchResponse>`),
    );
  });

  it('renders GetQueueAttributes as Attribute entries, escaping quotes in a policy', () => {
    const output = { Attributes: { VisibilityTimeout: '30', Policy: '{"Version":"2008-10-17"}' } };
    expect(renderResult('GetQueueAttributes', output, 'req-1')).toBe(
      golden(`
      <GetQueueAttributesResponse ${NS}><GetQueueAttributesResult>
        <Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>
        <Attribute><Name>Policy</Name><Value>{&quot;Version&quot;:&quot;2008-10-17&quot;}</Value></Attribute>
      </GetQueueAttributesResult>${META}</GetQueueAttributesResponse>`),
    );
  });

  it.each([
    ['ListQueues', { QueueUrls: ['http://h/0/a', 'http://h/0/b'], NextToken: 't' }],
    ['ListDeadLetterSourceQueues', { queueUrls: ['http://h/0/a', 'http://h/0/b'], NextToken: 't' }],
  ])('renders %s as repeated QueueUrl elements', (action, output) => {
    expect(renderResult(action, output, 'req-1')).toBe(
      `<${action}Response ${NS}><${action}Result><QueueUrl>http://h/0/a</QueueUrl><QueueUrl>http://h/0/b</QueueUrl>` +
        `<NextToken>t</NextToken></${action}Result>${META}</${action}Response>`,
    );
  });

  it('renders ListQueueTags as Tag entries, keeping empty values', () => {
    expect(renderResult('ListQueueTags', { Tags: { team: 'a', empty: '' } }, 'req-1')).toBe(
      `<ListQueueTagsResponse ${NS}><ListQueueTagsResult><Tag><Key>team</Key><Value>a</Value></Tag>` +
        `<Tag><Key>empty</Key><Value/></Tag></ListQueueTagsResult>${META}</ListQueueTagsResponse>`,
    );
  });

  it('renders ListMessageMoveTasks entries with numbers in decimal', () => {
    const output = { Results: [{ Status: 'RUNNING', SourceArn: 'arn:s', ApproximateNumberOfMessagesMoved: 2, StartedTimestamp: 1714470145000 }] };
    expect(renderResult('ListMessageMoveTasks', output, 'req-1')).toBe(
      `<ListMessageMoveTasksResponse ${NS}><ListMessageMoveTasksResult><ListMessageMoveTasksResultEntry>` +
        '<Status>RUNNING</Status><SourceArn>arn:s</SourceArn><ApproximateNumberOfMessagesMoved>2</ApproximateNumberOfMessagesMoved>' +
        '<StartedTimestamp>1714470145000</StartedTimestamp></ListMessageMoveTasksResultEntry></ListMessageMoveTasksResult>' +
        `${META}</ListMessageMoveTasksResponse>`,
    );
  });

  it.each(['DeleteMessage', 'DeleteQueue', 'SetQueueAttributes', 'PurgeQueue', 'TagQueue', 'RemovePermission'])(
    'renders void action %s without a Result element',
    (action) => {
      expect(renderResult(action, {}, 'req-1')).toBe(`<${action}Response ${NS}>${META}</${action}Response>`);
    },
  );

  it('sends results as text/xml with the request id header', () => {
    const response = queryProtocol.encodeResult('CreateQueue', { QueueUrl: 'http://h/0/q' }, 'req-1');
    expect(response).toEqual({
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': 'req-1' },
      body: `<CreateQueueResponse ${NS}><CreateQueueResult><QueueUrl>http://h/0/q</QueueUrl></CreateQueueResult>${META}</CreateQueueResponse>`,
    });
  });

  it('renders errors as ErrorResponse with the Query wording for a missing queue', () => {
    const response = encodeQueryError(SqsErrors.queueDoesNotExist(), 'req-1');
    expect(response.status).toBe(400);
    expect(response.body).toBe(
      golden(`
      <ErrorResponse ${NS}>
        <Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>
          <Message>The specified queue does not exist for this wsdl version.</Message><Detail/></Error>
        <RequestId>req-1</RequestId>
      </ErrorResponse>`),
    );
  });

  it('marks server faults as Receiver', () => {
    expect(encodeQueryError(SqsErrors.internalFailure(), 'req-1').body).toContain('<Type>Receiver</Type><Code>InternalFailure</Code>');
  });
});

describe('XML escaping', () => {
  it('escapes & < > " and carriage return the way AWS does', () => {
    expect(escapeXml(`a&b<c>d"e'f\r\ng`)).toBe(`a&amp;b&lt;c&gt;d&quot;e'f&#xD;\ng`);
  });

  it('round-trips a body with CRLF, markup and unicode through an XML parser', () => {
    // given
    const body = 'line1\r\nline2\r<tag attr="v">&amp;</tag> é ü 日本 😀 \t end';
    const xml = renderResult('ReceiveMessage', { Messages: [{ MessageId: 'm', Body: body }] }, 'req-1');
    // when
    const parser = new XMLParser({ trimValues: false, parseTagValue: false, htmlEntities: true });
    const parsed = parser.parse(xml);
    // then
    expect(xml).not.toContain('\r');
    expect(parsed.ReceiveMessageResponse.ReceiveMessageResult.Message.Body).toBe(body);
  });
});
