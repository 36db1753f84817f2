import { encodeQueryError } from '../error-encoding.js';
import type { WireProtocol, WireRequest } from '../protocol.js';
import { decodeParams } from './flatten.js';
import { shapeOf, type StructShape } from './shapes.js';
import { renderResult } from './xml.js';

// The Query protocol: form or query-string parameters in, XML out (reference §1.3–1.5).

// Envelope and signing parameters are about the request, not the action's input; they are dropped so
// that strict action schemas never see them (SigV4 presigned URLs, legacy SigV2).
const ENVELOPE = new Set([
  'Action',
  'Version',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'AWSAccessKeyId',
  'SignatureVersion',
  'SignatureMethod',
  'Signature',
  'Timestamp',
  'Expires',
]);

const NO_MEMBERS: StructShape = { kind: 'struct', members: {} };

export const queryProtocol: WireProtocol = {
  name: 'query',

  readAction(request: WireRequest): string | undefined {
    const action = request.form().Action;
    return action === undefined || action === '' ? undefined : action;
  },

  decode(action: string, request: WireRequest): Record<string, unknown> {
    const params: Record<string, string> = Object.create(null);
    for (const [name, value] of Object.entries(request.form())) {
      if (!ENVELOPE.has(name)) params[name] = value;
    }
    return decodeParams(params, shapeOf(action)?.input ?? NO_MEMBERS);
  },

  encodeResult(action: string, output: object, requestId: string) {
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId },
      body: renderResult(action, output, requestId),
    };
  },

  encodeError: encodeQueryError,
};
