// SQS errors as the queue engine knows them: no wire format here. `code` is the Query-protocol code
// (also sent in JSON's x-amzn-query-error header and in batch `Failed` entries); `shape` is the JSON
// `__type` (namespace included). Status and codes follow reference §1.9 (Smithy awsQueryError traits).

const SQS = 'com.amazonaws.sqs#';
const CORAL = 'com.amazon.coral.service#';

export type Fault = 'Sender' | 'Receiver';

export class SqsError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly shape: string,
    readonly fault: Fault = 'Sender',
  ) {
    super(message);
    this.name = 'SqsError';
  }
}

const modeled = (shape: string, code: string, status: number, message: string) =>
  new SqsError(code, status, message, SQS + shape);

const common = (shape: string, code: string, status: number, message: string, fault: Fault = 'Sender') =>
  new SqsError(code, status, message, CORAL + shape, fault);

export const QUEUE_DOES_NOT_EXIST = 'AWS.SimpleQueueService.NonExistentQueue';

export const SqsErrors = {
  queueDoesNotExist: () => modeled('QueueDoesNotExist', QUEUE_DOES_NOT_EXIST, 400, 'The specified queue does not exist.'),
  queueNameExists: (attribute: string) =>
    modeled(
      'QueueNameExists',
      'QueueAlreadyExists',
      400,
      `A queue already exists with the same name and a different value for attribute ${attribute}`,
    ),
  queueDeletedRecently: () =>
    modeled(
      'QueueDeletedRecently',
      'AWS.SimpleQueueService.QueueDeletedRecently',
      400,
      'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
    ),
  purgeQueueInProgress: (queueName: string) =>
    modeled(
      'PurgeQueueInProgress',
      'AWS.SimpleQueueService.PurgeQueueInProgress',
      403,
      `Only one PurgeQueue operation on ${queueName} is allowed every 60 seconds.`,
    ),
  invalidAttributeName: (message: string) => modeled('InvalidAttributeName', 'InvalidAttributeName', 400, message),
  unknownAttribute: (name: string) =>
    modeled('InvalidAttributeName', 'InvalidAttributeName', 400, `Unknown Attribute ${name}.`),
  invalidAttributeValue: (message: string) => modeled('InvalidAttributeValue', 'InvalidAttributeValue', 400, message),
  invalidMessageContents: () =>
    modeled(
      'InvalidMessageContents',
      'InvalidMessageContents',
      400,
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    ),
  receiptHandleIsInvalid: (handle: string) =>
    modeled(
      'ReceiptHandleIsInvalid',
      'ReceiptHandleIsInvalid',
      404,
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    ),
  receiptHandleOfOtherQueue: (handle: string) =>
    modeled('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', 404, `The receipt handle "${handle}" is not valid for this queue.`),
  messageNotInflight: () =>
    modeled('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 400, 'The message is not in flight.'),
  tooManyEntriesInBatchRequest: (count: number) =>
    modeled(
      'TooManyEntriesInBatchRequest',
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      400,
      `Maximum number of entries per request are 10. You have sent ${count}.`,
    ),
  emptyBatchRequest: (entryName: string) =>
    modeled(
      'EmptyBatchRequest',
      'AWS.SimpleQueueService.EmptyBatchRequest',
      400,
      `There should be at least one ${entryName} in the request.`,
    ),
  batchEntryIdsNotDistinct: (id: string) =>
    modeled(
      'BatchEntryIdsNotDistinct',
      'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      400,
      `Id ${id} repeated.`,
    ),
  invalidBatchEntryId: () =>
    modeled(
      'InvalidBatchEntryId',
      'AWS.SimpleQueueService.InvalidBatchEntryId',
      400,
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    ),
  batchRequestTooLong: (limitBytes: number, sentBytes: number) =>
    modeled(
      'BatchRequestTooLong',
      'AWS.SimpleQueueService.BatchRequestTooLong',
      400,
      `Batch requests cannot be longer than ${limitBytes} bytes. You have sent ${sentBytes} bytes.`,
    ),
  overLimit: (message: string) => modeled('OverLimit', 'OverLimit', 403, message),
  /** ReceiveMessage on a standard queue with its quota of in-flight messages (AWS: 120,000) reached. */
  tooManyInFlight: (max: number) =>
    modeled('OverLimit', 'OverLimit', 403, `The maximum number of in flight messages (${max}) has been reached for this queue.`),
  resourceNotFound: (message: string) => modeled('ResourceNotFoundException', 'ResourceNotFoundException', 404, message),
  tooManyMessageAttributes: (count: number) =>
    common(
      'InvalidParameterValueException',
      'InvalidParameterValue',
      400,
      `Number of message attributes [${count}] exceeds the allowed maximum [10].`,
    ),
  duplicateParameter: (name: string) =>
    common('InvalidParameterValueException', 'InvalidParameterValue', 400, `The parameter ${name} appears more than once in the request.`),
  tooManyParameters: (max: number) =>
    common('InvalidParameterValueException', 'InvalidParameterValue', 400, `The request has more than ${max} parameters.`),
  invalidUtf8: (parameter: string) =>
    common('InvalidParameterValueException', 'InvalidParameterValue', 400, `The value of parameter ${parameter} is not valid UTF-8.`),
  invalidAddress: (address: string) => modeled('InvalidAddress', 'InvalidAddress', 404, `The address ${address} is not valid for this endpoint.`),
  invalidParameterValue: (message: string) =>
    common('InvalidParameterValueException', 'InvalidParameterValue', 400, message),
  /** "Value X for parameter P is invalid. Reason: R." is AWS's usual phrasing of InvalidParameterValue. */
  invalidParameter: (parameter: string, value: unknown, reason: string) =>
    common(
      'InvalidParameterValueException',
      'InvalidParameterValue',
      400,
      `Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`,
    ),
  missingParameter: (parameter: string) =>
    common('MissingRequiredParameterException', 'MissingParameter', 400, `The request must contain the parameter ${parameter}.`),
  invalidAction: (action: string) =>
    common('UnknownOperationException', 'InvalidAction', 400, `The action ${action} is not valid for this endpoint.`),
  /** JSON's answer to a request no operation handles (here: X-Amz-Target with a method other than POST). */
  unknownOperation: () => common('UnknownOperationException', 'UnknownOperation', 404, 'The requested operation is not supported.'),
  requestEntityTooLarge: (limitBytes: number) =>
    common(
      'RequestEntityTooLargeException',
      'RequestEntityTooLarge',
      413,
      `Request body must be no longer than ${limitBytes} bytes.`,
    ),
  malformedRequest: (message: string) => common('SerializationException', 'SerializationException', 400, message),
  internalFailure: () =>
    common('InternalFailure', 'InternalFailure', 500, 'The request processing has failed because of an unknown error.', 'Receiver'),
  serviceUnavailable: (message = 'The service is shutting down; retry the request.') =>
    common('ServiceUnavailable', 'ServiceUnavailable', 503, message, 'Receiver'),
  // Authentication and authorization (README "Security"). AWS sends these outside the SQS model, from the
  // common coral service layer: the Query code is what clients report (JSON: via x-amzn-query-error).
  missingAuthenticationToken: () =>
    common('MissingAuthenticationTokenException', 'MissingAuthenticationToken', 403, 'Request is missing Authentication Token'),
  incompleteSignature: (message: string) => common('IncompleteSignatureException', 'IncompleteSignature', 400, message),
  invalidClientTokenId: () =>
    common('UnrecognizedClientException', 'InvalidClientTokenId', 403, 'The security token included in the request is invalid.'),
  signatureDoesNotMatch: (
    message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  ) => common('InvalidSignatureException', 'SignatureDoesNotMatch', 403, message),
  accessDenied: (message: string) => common('AccessDeniedException', 'AccessDenied', 403, message),
  // The errors test controls can inject (core/faults.ts): what SQS answers under load or a KMS outage.
  requestThrottled: () => modeled('RequestThrottled', 'RequestThrottled', 403, 'Rate exceeded'),
  throttlingException: () => common('ThrottlingException', 'ThrottlingException', 400, 'Rate exceeded'),
  internalError: () =>
    common('InternalError', 'InternalError', 500, 'We encountered an internal error. Please try again.', 'Receiver'),
  kmsThrottled: () =>
    modeled('KmsThrottled', 'KMS.ThrottlingException', 400, 'The request was denied due to request throttling by AWS KMS.'),
} as const;

export type SqsErrorFactory = keyof typeof SqsErrors;

/**
 * The store refused a write for a reason that passes (a full disk, a busy or locked database, an I/O
 * error) and stored nothing of it: the request may be retried. Storage adapters throw it; the api layer
 * answers it with ServiceUnavailable (503), which every SDK retries.
 */
export class StoreUnavailable extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the store cannot take this write now: ${reason}`, options);
    this.name = 'StoreUnavailable';
  }
}
