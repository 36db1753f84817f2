// The one table of per-action wire facts: a hand-written excerpt of the SQS service model (botocore
// sqs/2012-11-05 service-2.json, with locationNames from its Query-era copy), as LocalStack's parser
// derives the same facts from botocore. Only members that are more than "same name, string value" are
// listed: integers and booleans (coerced from Query strings), flattened lists and maps with their element names, nested
// structures, and members whose XML order matters. Unlisted scalars pass through by name.

import { SqsErrors, type SqsError } from '../../core/errors.js';
import { MAX_BATCH_ENTRIES, MAX_MESSAGE_ATTRIBUTES } from '../../core/limits.js';

export type Shape = ScalarShape | ListShape | MapShape | StructShape;

export interface ScalarShape {
  kind: 'string' | 'integer' | 'boolean';
}

/**
 * AWS's cap on a list or map, checked on the count of `.N` positions before any entry is decoded, with
 * the error the action would give for the decoded value (so both protocols answer alike).
 */
export interface CountLimit {
  max: number;
  tooMany: (count: number) => SqsError;
}

export interface ListShape {
  kind: 'list';
  item: Shape;
  limit?: CountLimit;
}

/** Flattened map: `<wire>.N.<key>` names the entry, `<wire>.N.Value` holds its value. */
export interface MapShape {
  kind: 'map';
  key: 'Name' | 'Key';
  valueShape: Shape;
  limit?: CountLimit;
}

/** Listed members render in table order, before any unlisted members (which keep output order). */
export interface StructShape {
  kind: 'struct';
  members: Record<string, Member>;
}

export interface Member {
  /** Query parameter / XML element name: for flattened lists and maps, the name of each element. */
  wire: string;
  shape: Shape;
  /** Modeled as required in the output, so JSON emits it even when empty. */
  required?: boolean;
}

export interface ActionShape {
  input: StructShape;
  /** null for void actions, whose Query response has no `<{Action}Result>` element. */
  output: StructShape | null;
}

const string: ScalarShape = { kind: 'string' };
const integer: ScalarShape = { kind: 'integer' };
const boolean: ScalarShape = { kind: 'boolean' };

function struct(members: Record<string, Shape | Member> = {}): StructShape {
  const normalized: Record<string, Member> = {};
  for (const [name, value] of Object.entries(members)) {
    normalized[name] = 'kind' in value ? { wire: name, shape: value } : value;
  }
  return { kind: 'struct', members: normalized };
}

const list = (wire: string, item: Shape = string, limit?: CountLimit): Member => ({
  wire,
  shape: limit ? { kind: 'list', item, limit } : { kind: 'list', item },
});
const map = (wire: string, key: 'Name' | 'Key' = 'Name', valueShape: Shape = string, limit?: CountLimit): Member => ({
  wire,
  shape: limit ? { kind: 'map', key, valueShape, limit } : { kind: 'map', key, valueShape },
});

const batchLimit: CountLimit = { max: MAX_BATCH_ENTRIES, tooMany: SqsErrors.tooManyEntriesInBatchRequest };
const attributeLimit: CountLimit = { max: MAX_MESSAGE_ATTRIBUTES, tooMany: SqsErrors.tooManyMessageAttributes };
const batchEntries = (wire: string, entry: StructShape) => list(wire, entry, batchLimit);

const attributes = map('Attribute');
const tags = map('Tag', 'Key');
// Model member order, which AWS follows: StringValue/BinaryValue before DataType.
const attributeValue = struct({
  StringValue: string,
  BinaryValue: string,
  StringListValues: list('StringListValue'),
  BinaryListValues: list('BinaryListValue'),
  DataType: string,
});
const messageAttributes = map('MessageAttribute', 'Name', attributeValue, attributeLimit);
// In a batch entry too many attributes fail that entry only (the action answers it in Failed), so the
// count is left to the action; decoding stays linear without the early check.
const entryMessageAttributes = map('MessageAttribute', 'Name', attributeValue);
const messageSystemAttributes = map('MessageSystemAttribute', 'Name', attributeValue);
const failed = list('BatchResultErrorEntry', struct({ Id: string, SenderFault: boolean, Code: string, Message: string }));
const batchOutput = (entry: string) => struct({ Successful: list(entry, struct()), Failed: failed });
const message = struct({
  MessageId: string,
  ReceiptHandle: string,
  MD5OfBody: string,
  Body: string,
  Attributes: attributes,
  MD5OfMessageAttributes: string,
  MessageAttributes: messageAttributes,
});

const empty = struct();
const VOID = null;

export const SHAPES: Record<string, ActionShape> = {
  CreateQueue: { input: struct({ Attributes: attributes, tags }), output: empty },
  DeleteQueue: { input: empty, output: VOID },
  GetQueueUrl: { input: empty, output: empty },
  ListQueues: { input: struct({ MaxResults: integer }), output: struct({ QueueUrls: list('QueueUrl') }) },
  GetQueueAttributes: {
    input: struct({ AttributeNames: list('AttributeName') }),
    output: struct({ Attributes: attributes }),
  },
  SetQueueAttributes: { input: struct({ Attributes: attributes }), output: VOID },
  PurgeQueue: { input: empty, output: VOID },
  SendMessage: {
    input: struct({ DelaySeconds: integer, MessageAttributes: messageAttributes, MessageSystemAttributes: messageSystemAttributes }),
    output: empty,
  },
  SendMessageBatch: {
    input: struct({
      Entries: batchEntries(
        'SendMessageBatchRequestEntry',
        struct({ DelaySeconds: integer, MessageAttributes: entryMessageAttributes, MessageSystemAttributes: messageSystemAttributes }),
      ),
    }),
    output: batchOutput('SendMessageBatchResultEntry'),
  },
  ReceiveMessage: {
    input: struct({
      AttributeNames: list('AttributeName'),
      // The model gives this member the xmlName AttributeName as well; Query-era SDKs predate it (reference §1.3).
      MessageSystemAttributeNames: list('MessageSystemAttributeName'),
      MessageAttributeNames: list('MessageAttributeName'),
      MaxNumberOfMessages: integer,
      VisibilityTimeout: integer,
      WaitTimeSeconds: integer,
    }),
    output: struct({ Messages: list('Message', message) }),
  },
  DeleteMessage: { input: empty, output: VOID },
  DeleteMessageBatch: {
    input: struct({ Entries: batchEntries('DeleteMessageBatchRequestEntry', struct()) }),
    output: batchOutput('DeleteMessageBatchResultEntry'),
  },
  ChangeMessageVisibility: { input: struct({ VisibilityTimeout: integer }), output: VOID },
  ChangeMessageVisibilityBatch: {
    input: struct({ Entries: batchEntries('ChangeMessageVisibilityBatchRequestEntry', struct({ VisibilityTimeout: integer })) }),
    output: batchOutput('ChangeMessageVisibilityBatchResultEntry'),
  },
  TagQueue: { input: struct({ Tags: tags }), output: VOID },
  UntagQueue: { input: struct({ TagKeys: list('TagKey') }), output: VOID },
  ListQueueTags: { input: empty, output: struct({ Tags: tags }) },
  AddPermission: { input: struct({ AWSAccountIds: list('AWSAccountId'), Actions: list('ActionName') }), output: VOID },
  RemovePermission: { input: empty, output: VOID },
  ListDeadLetterSourceQueues: {
    input: struct({ MaxResults: integer }),
    // `queueUrls` (lowercase) is required in the model: JSON emits it even when empty (reference §2).
    output: struct({ queueUrls: { ...list('QueueUrl'), required: true } }),
  },
  StartMessageMoveTask: { input: struct({ MaxNumberOfMessagesPerSecond: integer }), output: empty },
  CancelMessageMoveTask: { input: empty, output: empty },
  ListMessageMoveTasks: {
    input: struct({ MaxResults: integer }),
    output: struct({ Results: list('ListMessageMoveTasksResultEntry', struct()) }),
  },
};

/** The table entry, if any; actions outside the table decode and render by member name only. */
export function shapeOf(action: string): ActionShape | undefined {
  return Object.hasOwn(SHAPES, action) ? SHAPES[action] : undefined;
}

/** Output members the JSON protocol must emit even when empty. */
export function requiredOutputMembers(action: string): string[] {
  const output = shapeOf(action)?.output;
  if (!output) return [];
  return Object.entries(output.members)
    .filter(([, member]) => member.required)
    .map(([name]) => name);
}
