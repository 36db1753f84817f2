import { z } from 'zod';
import { removePermissionStatement } from '../core/policy.js';
import { defineAction } from './define-action.js';
import { saveAttributes, withPolicy } from './shared/save-attributes.js';
import { arnOf, QueueUrlInput, requireQueue } from './shared/queue.js';

export const RemovePermissionInput = z.object({ QueueUrl: QueueUrlInput, Label: z.string() });

export const removePermission = defineAction('RemovePermission', () => RemovePermissionInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'RemovePermission');
  await saveAttributes(ctx, queue.id, (current) =>
    withPolicy(current.attributes, removePermissionStatement(current.attributes.Policy, arnOf(ctx, current), input.Label)),
  );
  return {};
});
