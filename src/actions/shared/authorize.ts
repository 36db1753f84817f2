import type { ActionContext } from '../../core/context.js';
import { SqsErrors } from '../../core/errors.js';
import { evaluatePolicy } from '../../core/policy-evaluation.js';
import { queueArnOf } from '../../core/queue-url.js';
import type { QueueRecord } from '../../core/types.js';

// Who may act on a queue. Its owner's account always may (identity policies are out of scope: a key is
// its account's root). Another account needs the queue's Policy to allow the action and no statement to
// deny it, and only for the actions AWS lets a queue policy grant across accounts (SQS developer guide,
// "Limitations of Amazon SQS custom policies"): the rest are the owner's alone.

/** The IAM action a request needs on a queue; batch actions need their single form, as in AWS. */
export type QueuePermission =
  | 'SendMessage'
  | 'ReceiveMessage'
  | 'DeleteMessage'
  | 'ChangeMessageVisibility'
  | 'GetQueueAttributes'
  | 'GetQueueUrl'
  | 'ListDeadLetterSourceQueues'
  | 'PurgeQueue'
  | OwnerOnlyPermission;

type OwnerOnlyPermission =
  | 'AddPermission'
  | 'RemovePermission'
  | 'DeleteQueue'
  | 'SetQueueAttributes'
  | 'TagQueue'
  | 'UntagQueue'
  | 'ListQueueTags'
  | 'StartMessageMoveTask'
  | 'CancelMessageMoveTask'
  | 'ListMessageMoveTasks';

const OWNER_ONLY: ReadonlySet<QueuePermission> = new Set<OwnerOnlyPermission>([
  'AddPermission',
  'RemovePermission',
  'DeleteQueue',
  'SetQueueAttributes',
  'TagQueue',
  'UntagQueue',
  'ListQueueTags',
  'StartMessageMoveTask',
  'CancelMessageMoveTask',
  'ListMessageMoveTasks',
]);

/** Throws AccessDenied (403) with AWS's IAM wording unless the caller may do `permission` on `queue`. */
export function authorize(ctx: ActionContext, queue: QueueRecord, permission: QueuePermission): void {
  const account = ctx.request.accountId;
  if (queue.account === account) return;
  const resource = queueArnOf(ctx.identity.region, queue);
  const decision = evaluatePolicy(queue.attributes.Policy, { account, action: permission, resource });
  if (decision === 'allow' && !OWNER_ONLY.has(permission)) return;
  // AWS lower-cases the action in this message (recorded responses, README "Security").
  const action = `sqs:${permission.toLowerCase()}`;
  const why = decision === 'deny' ? 'with an explicit deny in a resource-based policy' : `because no resource-based policy allows the ${action} action`;
  throw SqsErrors.accessDenied(`User: arn:aws:iam::${account}:root is not authorized to perform: ${action} on resource: ${resource} ${why}`);
}
