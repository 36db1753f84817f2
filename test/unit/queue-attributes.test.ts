import { describe, expect, it } from 'vitest';
import { SqsError } from '../../src/core/errors.js';
import {
  attributesForCreate,
  attributesForUpdate,
  differingAttribute,
  needsStats,
  parseRedriveAllowPolicy,
  parseRedrivePolicy,
  queueAttributeDefaults,
  queueSettings,
  renderQueueAttributes,
} from '../../src/core/queue-attributes.js';
import type { QueueRecord, StoredQueueAttributes } from '../../src/core/types.js';

const CEILING = 1_048_576;
const DLQ_ARN = 'arn:aws:sqs:us-east-1:000000000000:dlq';

function thrown(fn: () => unknown): SqsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SqsError);
    return error as SqsError;
  }
  throw new Error('expected an SqsError');
}

const create = (name: string, attributes?: Record<string, string>, ceiling = CEILING) =>
  attributesForCreate(name, attributes, ceiling);

describe('queueAttributeDefaults', () => {
  it('gives a standard queue the AWS defaults with the server ceiling as MaximumMessageSize', () => {
    expect(queueAttributeDefaults(false, 8_388_608)).toEqual({
      DelaySeconds: '0',
      MaximumMessageSize: '8388608',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      VisibilityTimeout: '30',
      SqsManagedSseEnabled: 'true',
    });
  });

  it('adds the FIFO attributes to a FIFO queue', () => {
    expect(queueAttributeDefaults(true, CEILING)).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'false',
      DeduplicationScope: 'queue',
      FifoThroughputLimit: 'perQueue',
    });
  });
});

describe('attributesForCreate', () => {
  it('merges normalised values onto the defaults', () => {
    const { fifo, attributes } = create('q', { VisibilityTimeout: '060', SqsManagedSseEnabled: 'False', Policy: '{ "a" : 1 }' });
    expect(fifo).toBe(false);
    expect(attributes).toMatchObject({ VisibilityTimeout: '60', SqsManagedSseEnabled: 'false', Policy: '{"a":1}', DelaySeconds: '0' });
  });

  it('makes a FIFO queue from FifoQueue=true (any case) and a .fifo name', () => {
    const { fifo, attributes } = create('q.fifo', { FifoQueue: 'TRUE', ContentBasedDeduplication: 'True' });
    expect(fifo).toBe(true);
    expect(attributes).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'true', DeduplicationScope: 'queue' });
  });

  it.each<[string, string, Record<string, string>, string, string]>([
    ['FifoQueue=false on a standard queue', 'q', { FifoQueue: 'false' }, 'InvalidAttributeName', 'Unknown Attribute FifoQueue.'],
    ['FifoQueue=true on a standard queue name', 'q', { FifoQueue: 'true' }, 'InvalidParameterValue', ''],
    ['.fifo name without FifoQueue', 'q.fifo', {}, 'InvalidParameterValue', ''],
    ['.fifo name with FifoQueue=false', 'q.fifo', { FifoQueue: 'false' }, 'InvalidParameterValue', ''],
    [
      'ContentBasedDeduplication on a standard queue',
      'q',
      { ContentBasedDeduplication: 'true' },
      'InvalidAttributeName',
      'Unknown Attribute ContentBasedDeduplication.',
    ],
    [
      'DeduplicationScope on a standard queue',
      'q',
      { DeduplicationScope: 'queue' },
      'InvalidAttributeName',
      'You can specify the DeduplicationScope only when FifoQueue is set to true.',
    ],
    [
      'FifoThroughputLimit on a standard queue',
      'q',
      { FifoThroughputLimit: 'perQueue' },
      'InvalidAttributeName',
      'You can specify the FifoThroughputLimit only when FifoQueue is set to true.',
    ],
    ['an unknown attribute', 'q', { Foobar: '1' }, 'InvalidAttributeName', 'Unknown Attribute Foobar.'],
    ['a read-only attribute', 'q', { QueueArn: 'x' }, 'InvalidAttributeName', 'Unknown Attribute QueueArn.'],
    ['VisibilityTimeout above 43200', 'q', { VisibilityTimeout: '43201' }, 'InvalidAttributeValue', 'Invalid value for the parameter VisibilityTimeout.'],
    ['a negative DelaySeconds', 'q', { DelaySeconds: '-1' }, 'InvalidAttributeValue', 'Invalid value for the parameter DelaySeconds.'],
    ['DelaySeconds above 900', 'q', { DelaySeconds: '901' }, 'InvalidAttributeValue', ''],
    ['a decimal retention', 'q', { MessageRetentionPeriod: '60.5' }, 'InvalidAttributeValue', ''],
    ['retention below 60', 'q', { MessageRetentionPeriod: '59' }, 'InvalidAttributeValue', ''],
    ['retention above 14 days', 'q', { MessageRetentionPeriod: '1209601' }, 'InvalidAttributeValue', ''],
    ['a wait time above 20', 'q', { ReceiveMessageWaitTimeSeconds: '21' }, 'InvalidAttributeValue', ''],
    ['MaximumMessageSize below 1024', 'q', { MaximumMessageSize: '1023' }, 'InvalidAttributeValue', ''],
    ['a non-boolean', 'q', { SqsManagedSseEnabled: 'yes' }, 'InvalidAttributeValue', ''],
    ['an empty number', 'q', { DelaySeconds: '' }, 'InvalidAttributeValue', ''],
    ['a Policy that is not JSON', 'q', { Policy: '{' }, 'InvalidAttributeValue', 'Invalid value for the parameter Policy.'],
    ['a KMS reuse period below 60', 'q', { KmsDataKeyReusePeriodSeconds: '59' }, 'InvalidAttributeValue', ''],
    ['an unknown DeduplicationScope', 'q.fifo', { FifoQueue: 'true', DeduplicationScope: 'Queue' }, 'InvalidAttributeValue', ''],
    [
      'perMessageGroupId without messageGroup dedup scope',
      'q.fifo',
      { FifoQueue: 'true', FifoThroughputLimit: 'perMessageGroupId' },
      'InvalidAttributeValue',
      '',
    ],
    [
      'KMS and SQS SSE together',
      'q',
      { KmsMasterKeyId: 'alias/aws/sqs', SqsManagedSseEnabled: 'true' },
      'InvalidAttributeName',
      'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
    ],
  ])('rejects %s', (_label, name, attributes, code, message) => {
    const error = thrown(() => create(name, attributes));
    expect(error.code).toBe(code);
    if (message) expect(error.message).toBe(message);
  });

  it('bounds MaximumMessageSize by the server ceiling and names it', () => {
    expect(create('q', { MaximumMessageSize: '8388608' }, 8_388_608).attributes.MaximumMessageSize).toBe('8388608');
    const error = thrown(() => create('q', { MaximumMessageSize: '8388609' }, 8_388_608));
    expect(error.code).toBe('InvalidAttributeValue');
    expect(error.message).toBe(
      "Invalid value for the parameter MaximumMessageSize. Reason: must be between 1024 and 8388608 bytes (the server's configured ceiling).",
    );
  });

  it('accepts high-throughput FIFO settings together', () => {
    const { attributes } = create('q.fifo', {
      FifoQueue: 'true',
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });
    expect(attributes).toMatchObject({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
  });

  it('turns SQS-managed SSE off when a KMS key is given', () => {
    const { attributes } = create('q', { KmsMasterKeyId: 'alias/aws/sqs', KmsDataKeyReusePeriodSeconds: '600' });
    expect(attributes).toMatchObject({ KmsMasterKeyId: 'alias/aws/sqs', KmsDataKeyReusePeriodSeconds: '600', SqsManagedSseEnabled: 'false' });
  });

  it('treats "" for Policy, RedrivePolicy, RedriveAllowPolicy and KmsMasterKeyId as unset', () => {
    const { attributes } = create('q', { Policy: '', RedrivePolicy: '', RedriveAllowPolicy: '', KmsMasterKeyId: '' });
    expect(attributes).toEqual(queueAttributeDefaults(false, CEILING));
  });

  it('stores redrive policies compactly, keeping the member types sent', () => {
    const { attributes } = create('q', {
      RedrivePolicy: `{ "deadLetterTargetArn": "${DLQ_ARN}", "maxReceiveCount": "5" }`,
      RedriveAllowPolicy: '{"redrivePermission": "denyAll"}',
    });
    expect(attributes.RedrivePolicy).toBe(`{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":"5"}`);
    expect(attributes.RedriveAllowPolicy).toBe('{"redrivePermission":"denyAll"}');
  });
});

describe('attributesForUpdate', () => {
  const standard = queueAttributeDefaults(false, CEILING);
  const fifo = queueAttributeDefaults(true, CEILING);

  it('changes only the named attributes', () => {
    expect(attributesForUpdate(false, standard, { DelaySeconds: '5' }, CEILING)).toEqual({ ...standard, DelaySeconds: '5' });
  });

  it('rejects FifoQueue on a standard queue and any change of type on a FIFO queue [A]', () => {
    expect(thrown(() => attributesForUpdate(false, standard, { FifoQueue: 'false' }, CEILING)).message).toBe(
      'Unknown Attribute FifoQueue.',
    );
    const error = thrown(() => attributesForUpdate(true, fifo, { FifoQueue: 'false' }, CEILING));
    expect(error.code).toBe('InvalidAttributeValue');
    expect(error.message).toBe('Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.');
    expect(attributesForUpdate(true, fifo, { FifoQueue: 'true' }, CEILING)).toEqual(fifo);
  });

  it('lets FIFO queues change ContentBasedDeduplication later', () => {
    expect(attributesForUpdate(true, fifo, { ContentBasedDeduplication: 'true' }, CEILING).ContentBasedDeduplication).toBe('true');
  });

  it('rejects read-only and FIFO-only names like CreateQueue does', () => {
    expect(thrown(() => attributesForUpdate(false, standard, { ApproximateNumberOfMessages: '1' }, CEILING)).code).toBe(
      'InvalidAttributeName',
    );
    expect(thrown(() => attributesForUpdate(false, standard, { DeduplicationScope: 'queue' }, CEILING)).code).toBe(
      'InvalidAttributeName',
    );
  });

  it('removes Policy, RedrivePolicy and RedriveAllowPolicy when set to ""', () => {
    const current = { ...standard, Policy: '{}', RedrivePolicy: `{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":1}` };
    expect(attributesForUpdate(false, current, { Policy: '', RedrivePolicy: '', RedriveAllowPolicy: '' }, CEILING)).toEqual(standard);
  });

  it('removes the KMS attributes when KmsMasterKeyId is "" and switches encryption type on request', () => {
    const kms = { ...standard, SqsManagedSseEnabled: 'false', KmsMasterKeyId: 'k', KmsDataKeyReusePeriodSeconds: '600' };
    expect(attributesForUpdate(false, kms, { KmsMasterKeyId: '' }, CEILING)).toEqual({ ...standard, SqsManagedSseEnabled: 'false' });
    expect(attributesForUpdate(false, kms, { SqsManagedSseEnabled: 'true' }, CEILING)).toEqual(standard);
    expect(attributesForUpdate(false, standard, { KmsMasterKeyId: 'k' }, CEILING)).toEqual({
      ...standard,
      KmsMasterKeyId: 'k',
      SqsManagedSseEnabled: 'false',
    });
  });
});

describe('differingAttribute (CreateQueue idempotence)', () => {
  const existing = create('q', { DelaySeconds: '5' }).attributes;

  it('is null for no attributes, equal values, normalised equals and subsets', () => {
    expect(differingAttribute(existing, undefined, CEILING)).toBeNull();
    expect(differingAttribute(existing, { DelaySeconds: '05', SqsManagedSseEnabled: 'TRUE' }, CEILING)).toBeNull();
    expect(differingAttribute(existing, { VisibilityTimeout: '30' }, CEILING)).toBeNull();
    expect(differingAttribute(existing, { Policy: '' }, CEILING)).toBeNull();
  });

  it('names the first attribute whose value differs', () => {
    expect(differingAttribute(existing, { VisibilityTimeout: '30', DelaySeconds: '0' }, CEILING)).toBe('DelaySeconds');
    expect(differingAttribute(existing, { Policy: '{}' }, CEILING)).toBe('Policy');
  });

  it('compares JSON attributes modulo whitespace and the unset KMS reuse default', () => {
    const redrive = `{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":3}`;
    const withRedrive = create('q', { RedrivePolicy: redrive, KmsMasterKeyId: 'k' }).attributes;
    expect(differingAttribute(withRedrive, { RedrivePolicy: JSON.stringify(JSON.parse(redrive), null, 2) }, CEILING)).toBeNull();
    expect(differingAttribute(withRedrive, { KmsDataKeyReusePeriodSeconds: '300' }, CEILING)).toBeNull();
  });

  it('still validates the requested values', () => {
    expect(thrown(() => differingAttribute(existing, { Nope: '1' }, CEILING)).code).toBe('InvalidAttributeName');
  });
});

describe('renderQueueAttributes', () => {
  const queueOf = (fifo: boolean, attributes: StoredQueueAttributes): QueueRecord => ({
    id: 1,
    account: '000000000000',
    name: fifo ? 'q.fifo' : 'q',
    fifo,
    attributes,
    tags: {},
    createdAt: 1_755_609_000_999,
    lastModifiedAt: 1_755_609_100_000,
    lastPurgedAt: null,
  });
  const stats = { visible: 3, inFlight: 2, delayed: 1 };
  const arn = 'arn:aws:sqs:us-east-1:000000000000:q';

  it.each([
    [`{"maxReceiveCount":"1000", "deadLetterTargetArn":"${DLQ_ARN}"}`],
    [`{ "deadLetterTargetArn": "${DLQ_ARN}", "maxReceiveCount": 1000 }`],
    [`{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":"1000"}`],
  ])('reports RedrivePolicy %s in canonical form (reference §6.1)', (stored) => {
    const queue = queueOf(false, { ...queueAttributeDefaults(false, CEILING), RedrivePolicy: stored });
    expect(renderQueueAttributes({ queue, names: ['RedrivePolicy'], arn }).RedrivePolicy).toBe(
      `{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":1000}`,
    );
  });

  it('renders All on a standard queue exactly as AWS lists it', () => {
    const rendered = renderQueueAttributes({ queue: queueOf(false, queueAttributeDefaults(false, CEILING)), names: ['All'], arn, stats });
    expect(rendered).toEqual({
      ApproximateNumberOfMessages: '3',
      ApproximateNumberOfMessagesDelayed: '1',
      ApproximateNumberOfMessagesNotVisible: '2',
      CreatedTimestamp: '1755609000',
      DelaySeconds: '0',
      LastModifiedTimestamp: '1755609100',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      QueueArn: arn,
      ReceiveMessageWaitTimeSeconds: '0',
      SqsManagedSseEnabled: 'true',
      VisibilityTimeout: '30',
    });
  });

  it('adds the four FIFO attributes on a FIFO queue', () => {
    const rendered = renderQueueAttributes({ queue: queueOf(true, queueAttributeDefaults(true, CEILING)), names: ['All'], arn, stats });
    expect(Object.keys(rendered)).toHaveLength(16);
    expect(rendered).toMatchObject({
      ContentBasedDeduplication: 'false',
      DeduplicationScope: 'queue',
      FifoQueue: 'true',
      FifoThroughputLimit: 'perQueue',
    });
  });

  it('includes optional attributes only while set, and the KMS reuse period only with a key', () => {
    const withKms = create('q', { KmsMasterKeyId: 'k', Policy: '{}' }).attributes;
    const rendered = renderQueueAttributes({ queue: queueOf(false, withKms), names: ['All'], arn, stats });
    expect(rendered).toMatchObject({ KmsMasterKeyId: 'k', KmsDataKeyReusePeriodSeconds: '300', Policy: '{}', SqsManagedSseEnabled: 'false' });
    expect(rendered).not.toHaveProperty('RedrivePolicy');
    const plain = { ...queueAttributeDefaults(false, CEILING), KmsDataKeyReusePeriodSeconds: '600' };
    expect(renderQueueAttributes({ queue: queueOf(false, plain), names: ['KmsDataKeyReusePeriodSeconds', 'Policy'], arn })).toEqual({});
  });

  it('renders only the requested names, nothing for none, and rejects unknown names [A]', () => {
    const queue = queueOf(false, queueAttributeDefaults(false, CEILING));
    expect(renderQueueAttributes({ queue, names: ['VisibilityTimeout', 'QueueArn'], arn })).toEqual({ VisibilityTimeout: '30', QueueArn: arn });
    expect(renderQueueAttributes({ queue, names: [], arn })).toEqual({});
    expect(renderQueueAttributes({ queue, names: ['FifoQueue'], arn })).toEqual({});
    const error = thrown(() => renderQueueAttributes({ queue, names: ['VisibilityTimeout', 'Foobar'], arn }));
    expect(error.code).toBe('InvalidAttributeName');
    expect(error.message).toBe('Unknown Attribute Foobar.');
  });

  it('asks for counts only when an Approximate* attribute or All is requested', () => {
    expect(needsStats(['All'])).toBe(true);
    expect(needsStats(['ApproximateNumberOfMessagesDelayed'])).toBe(true);
    expect(needsStats(['VisibilityTimeout', 'QueueArn'])).toBe(false);
    expect(needsStats([])).toBe(false);
  });
});

describe('queueSettings', () => {
  it('gives a typed view of the stored attributes', () => {
    const { attributes } = create('q.fifo', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      DeduplicationScope: 'messageGroup',
      VisibilityTimeout: '45',
      RedrivePolicy: `{"deadLetterTargetArn":"${DLQ_ARN}.fifo","maxReceiveCount":"4"}`,
      RedriveAllowPolicy: `{"redrivePermission":"byQueue","sourceQueueArns":["${DLQ_ARN}"]}`,
    });
    expect(queueSettings(attributes)).toEqual({
      delaySeconds: 0,
      maximumMessageSize: CEILING,
      messageRetentionPeriodSeconds: 345_600,
      receiveMessageWaitTimeSeconds: 0,
      visibilityTimeoutSeconds: 45,
      contentBasedDeduplication: true,
      deduplicationScope: 'messageGroup',
      redrivePolicy: { deadLetterTargetArn: `${DLQ_ARN}.fifo`, maxReceiveCount: 4 },
      redriveAllowPolicy: { redrivePermission: 'byQueue', sourceQueueArns: [DLQ_ARN] },
    });
    expect(queueSettings(queueAttributeDefaults(false, CEILING))).toMatchObject({
      contentBasedDeduplication: false,
      deduplicationScope: 'queue',
      redrivePolicy: null,
      redriveAllowPolicy: null,
    });
  });
});

describe('parseRedrivePolicy', () => {
  it('accepts maxReceiveCount as a number or a numeric string', () => {
    expect(parseRedrivePolicy(`{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":1000}`).maxReceiveCount).toBe(1000);
    expect(parseRedrivePolicy(`{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":"1"}`).maxReceiveCount).toBe(1);
  });

  it.each<[string, string, string]>([
    ['not JSON', '{', 'Redrive policy is not a valid JSON map.'],
    ['an array', '[]', 'Redrive policy is not a valid JSON map.'],
    ['no maxReceiveCount', `{"deadLetterTargetArn":"${DLQ_ARN}"}`, 'Redrive policy does not contain mandatory attribute: maxReceiveCount.'],
    ['no target', '{"maxReceiveCount":1}', 'Redrive policy does not contain mandatory attribute: deadLetterTargetArn.'],
    ['a count of 0', `{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":0}`, 'Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.'],
    ['a count of 1001', `{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":"1001"}`, 'Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both inclusive.'],
    ['a fractional count', `{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":1.5}`, 'Invalid value for maxReceiveCount: 1.5, valid values are from 1 to 1000 both inclusive.'],
    ['a malformed ARN', '{"deadLetterTargetArn":"dlq","maxReceiveCount":1}', 'Dead-letter target ARN should be fully qualified ARN.'],
    ['a non-SQS ARN', '{"deadLetterTargetArn":"arn:aws:sns:us-east-1:000000000000:t","maxReceiveCount":1}', 'Dead-letter target ARN should be fully qualified ARN.'],
  ])('rejects %s', (_label, json, reason) => {
    const error = thrown(() => parseRedrivePolicy(json));
    expect(error.code).toBe('InvalidParameterValue');
    expect(error.message).toBe(`Value ${json} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
  });
});

describe('parseRedriveAllowPolicy', () => {
  it('parses the three permissions', () => {
    expect(parseRedriveAllowPolicy('{"redrivePermission":"allowAll"}')).toEqual({ redrivePermission: 'allowAll', sourceQueueArns: [] });
    expect(parseRedriveAllowPolicy('{"redrivePermission":"denyAll"}').redrivePermission).toBe('denyAll');
    expect(parseRedriveAllowPolicy(`{"redrivePermission":"byQueue","sourceQueueArns":["${DLQ_ARN}"]}`).sourceQueueArns).toEqual([DLQ_ARN]);
  });

  it.each<[string, string, string]>([
    ['not JSON', 'nope', 'unsupported format'],
    ['an unknown permission', '{"redrivePermission":"allowSome"}', 'unsupported format'],
    ['an unknown member', '{"redrivePermission":"allowAll","x":1}', 'unsupported format'],
    ['ARNs that are not strings', '{"redrivePermission":"byQueue","sourceQueueArns":[1]}', 'unsupported format'],
    ['ARNs without byQueue', `{"redrivePermission":"allowAll","sourceQueueArns":["${DLQ_ARN}"]}`, 'you must set redrivePermission to byQueue'],
    ['byQueue without ARNs', '{"redrivePermission":"byQueue"}', 'you must also specify one or more sourceQueueArns values'],
    ['byQueue with an empty list', '{"redrivePermission":"byQueue","sourceQueueArns":[]}', 'you must also specify one or more sourceQueueArns values'],
    [
      'more than 10 ARNs',
      JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: Array.from({ length: 11 }, (_, i) => `${DLQ_ARN}${i}`) }),
      'The maximum number of source queue ARNs you can specify is 10.',
    ],
  ])('rejects %s', (_label, json, reason) => {
    const error = thrown(() => parseRedriveAllowPolicy(json));
    expect(error.code).toBe('InvalidParameterValue');
    expect(error.message).toContain(`Value ${json} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy`);
    expect(error.message).toContain(reason);
  });
});
