import { QUEUE_DOES_NOT_EXIST, type SqsError } from '../core/errors.js';
import type { WireProtocol, WireResponse } from './protocol.js';
import { renderError } from './query/xml.js';

// SqsError → bytes per protocol. Handlers never learn the protocol, so wording that AWS varies by wire
// is chosen here from the error code.

type ProtocolName = WireProtocol['name'];

// AWS words a missing queue differently on the Query wire (reference §1.5, recorded against AWS).
const QUERY_MESSAGES: Readonly<Record<string, string>> = {
  [QUEUE_DOES_NOT_EXIST]: 'The specified queue does not exist for this wsdl version.',
};

export function wireMessage(error: SqsError, protocol: ProtocolName): string {
  if (protocol === 'query' && Object.hasOwn(QUERY_MESSAGES, error.code)) return QUERY_MESSAGES[error.code]!;
  return error.message;
}

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

// `x-amzn-query-error` carries the legacy Query code on every JSON error: botocore and JS v3 take the
// error code from it (reference §1.8, §9.1).
export function encodeJsonError(error: SqsError, requestId: string): WireResponse {
  return {
    status: error.status,
    headers: {
      'content-type': JSON_CONTENT_TYPE,
      'x-amzn-RequestId': requestId,
      'x-amzn-query-error': `${error.code};${error.fault}`,
    },
    body: JSON.stringify({ __type: error.shape, message: wireMessage(error, 'json') }),
  };
}

export function encodeQueryError(error: SqsError, requestId: string): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId },
    body: renderError({ fault: error.fault, code: error.code, message: wireMessage(error, 'query') }, requestId),
  };
}
