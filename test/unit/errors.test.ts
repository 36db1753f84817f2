import { describe, expect, it } from 'vitest';
import { SqsError, SqsErrors } from '../../src/core/errors.js';

// Every factory, called with placeholder arguments (they only interpolate them into the message).
const table = Object.entries(SqsErrors).map(([factory, make]) => {
  const error = (make as (...args: unknown[]) => unknown)(...Array.from({ length: make.length }, () => 'x'));
  return { factory, error: error as SqsError };
});

// Reference §1.9: shapes modeled by the SQS service (JSON __type in com.amazonaws.sqs#) with their Query
// codes and HTTP statuses; everything else is a common error outside the SQS namespace.
const MODELED: Record<string, { code: string; status: number }> = {
  QueueDoesNotExist: { code: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 },
  QueueNameExists: { code: 'QueueAlreadyExists', status: 400 },
  QueueDeletedRecently: { code: 'AWS.SimpleQueueService.QueueDeletedRecently', status: 400 },
  PurgeQueueInProgress: { code: 'AWS.SimpleQueueService.PurgeQueueInProgress', status: 403 },
  InvalidAttributeName: { code: 'InvalidAttributeName', status: 400 },
  InvalidAttributeValue: { code: 'InvalidAttributeValue', status: 400 },
  InvalidMessageContents: { code: 'InvalidMessageContents', status: 400 },
  ReceiptHandleIsInvalid: { code: 'ReceiptHandleIsInvalid', status: 404 },
  InvalidIdFormat: { code: 'InvalidIdFormat', status: 400 },
  MessageNotInflight: { code: 'AWS.SimpleQueueService.MessageNotInflight', status: 400 },
  TooManyEntriesInBatchRequest: { code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', status: 400 },
  EmptyBatchRequest: { code: 'AWS.SimpleQueueService.EmptyBatchRequest', status: 400 },
  BatchEntryIdsNotDistinct: { code: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', status: 400 },
  InvalidBatchEntryId: { code: 'AWS.SimpleQueueService.InvalidBatchEntryId', status: 400 },
  BatchRequestTooLong: { code: 'AWS.SimpleQueueService.BatchRequestTooLong', status: 400 },
  UnsupportedOperation: { code: 'AWS.SimpleQueueService.UnsupportedOperation', status: 400 },
  OverLimit: { code: 'OverLimit', status: 403 },
  RequestThrottled: { code: 'RequestThrottled', status: 403 },
  InvalidAddress: { code: 'InvalidAddress', status: 404 },
  InvalidSecurity: { code: 'InvalidSecurity', status: 403 },
  ResourceNotFoundException: { code: 'ResourceNotFoundException', status: 404 },
  KmsThrottled: { code: 'KMS.ThrottlingException', status: 400 },
};

const SQS_NAMESPACE = 'com.amazonaws.sqs#';

describe('the SqsErrors table', () => {
  it('has factories', () => {
    expect(table.length).toBeGreaterThan(0);
  });

  describe.each(table)('$factory', ({ error }) => {
    it('returns an SqsError with a code, a message and a namespaced shape', () => {
      expect(error).toBeInstanceOf(SqsError);
      expect(error.code).toMatch(/^\S+$/);
      expect(error.message.length).toBeGreaterThan(0);
      expect(error.shape).toMatch(/^[a-z]+(\.[a-z]+)+#[A-Za-z]+$/);
    });

    it('uses a status AWS uses, with the fault that goes with it', () => {
      expect([400, 403, 404, 413, 500, 503]).toContain(error.status);
      expect(error.fault).toBe(error.status >= 500 ? 'Receiver' : 'Sender');
    });

    it('puts modeled shapes, and only those, in the SQS namespace with their model code and status', () => {
      const [namespace, shortShape] = error.shape.split('#') as [string, string];
      const modeled = MODELED[shortShape];
      if (`${namespace}#` === SQS_NAMESPACE) {
        expect(modeled).toBeDefined();
        expect({ code: error.code, status: error.status }).toEqual(modeled);
      } else {
        expect(modeled).toBeUndefined();
      }
    });
  });

  it('gives each code one shape and one status, so both protocols agree', () => {
    const byCode = new Map<string, string>();
    for (const { error } of table) {
      const identity = `${error.shape} ${error.status}`;
      expect(byCode.get(error.code) ?? identity).toBe(identity);
      byCode.set(error.code, identity);
    }
  });

  it('keeps the statuses clients depend on (reference §9.10)', () => {
    expect(SqsErrors.receiptHandleIsInvalid('h').status).toBe(404);
    expect(SqsErrors.receiptHandleOfOtherQueue('h').status).toBe(404);
    expect(SqsErrors.purgeQueueInProgress('q').status).toBe(403);
    expect(SqsErrors.overLimit('m').status).toBe(403);
    expect(SqsErrors.queueDoesNotExist().code).toBe('AWS.SimpleQueueService.NonExistentQueue');
    expect(SqsErrors.invalidParameterValue('m').code).toBe('InvalidParameterValue');
    expect(SqsErrors.missingParameter('MessageBody').code).toBe('MissingParameter');
  });

  it('formats the messages AWS was recorded sending', () => {
    expect(SqsErrors.unknownAttribute('Foobar').message).toBe('Unknown Attribute Foobar.');
    expect(SqsErrors.missingParameter('MessageBody').message).toBe('The request must contain the parameter MessageBody.');
    expect(SqsErrors.tooManyEntriesInBatchRequest(20).message).toBe('Maximum number of entries per request are 10. You have sent 20.');
    expect(SqsErrors.purgeQueueInProgress('q').message).toBe('Only one PurgeQueue operation on q is allowed every 60 seconds.');
    expect(SqsErrors.invalidParameter('P', 'v', 'R.').message).toBe('Value v for parameter P is invalid. Reason: R.');
  });
});
