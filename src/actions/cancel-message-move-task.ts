import { z } from 'zod';
import { SqsErrors } from '../core/errors.js';
import { defineAction } from './define-action.js';
import { decodeTaskHandle } from './move-tasks/task-handle.js';
import { authorize } from './shared/authorize.js';
import { queueByArn } from './shared/redrive.js';

export const CancelMessageMoveTaskInput = z.object({ TaskHandle: z.string() });

export const cancelMessageMoveTask = defineAction('CancelMessageMoveTask', () => CancelMessageMoveTaskInput, async (input, ctx) => {
  const handle = decodeTaskHandle(input.TaskHandle);
  const source = await queueByArn(ctx, handle.sourceArn);
  if (!source) throw SqsErrors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
  authorize(ctx, source, 'CancelMessageMoveTask');
  const task = await ctx.storage.getMoveTask(handle.taskId);
  if (!task) throw SqsErrors.resourceNotFound('Task does not exist.');
  if (task.status !== 'RUNNING') throw SqsErrors.invalidParameterValue('Only active tasks can be cancelled.');
  // Storage checks the status inside each move transaction, so no batch starts after this commits.
  await ctx.storage.setMoveTaskStatus(task.taskId, 'CANCELLED');
  ctx.onMoveTaskChanged?.();
  const cancelled = await ctx.storage.getMoveTask(task.taskId);
  return { ApproximateNumberOfMessagesMoved: cancelled?.moved ?? task.moved };
});
