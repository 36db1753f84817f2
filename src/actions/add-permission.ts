import { z } from 'zod';
import { addPermissionStatement } from '../core/policy.js';
import { defineAction } from './define-action.js';
import { saveAttributes, withPolicy } from './shared/save-attributes.js';
import { arnOf, QueueUrlInput, requireQueue } from './shared/queue.js';

export const AddPermissionInput = z.object({
  QueueUrl: QueueUrlInput,
  Label: z.string(),
  AWSAccountIds: z.array(z.string()),
  Actions: z.array(z.string()),
});

export const addPermission = defineAction('AddPermission', () => AddPermissionInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'AddPermission');
  await saveAttributes(ctx, queue.id, (current) => {
    const policy = addPermissionStatement({
      policy: current.attributes.Policy,
      queueArn: arnOf(ctx, current),
      label: input.Label,
      accountIds: input.AWSAccountIds,
      actions: input.Actions,
    });
    return withPolicy(current.attributes, policy);
  });
  return {};
});
