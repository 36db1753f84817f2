import { z } from 'zod';
import { SqsErrors } from '../core/errors.js';
import type { MoveTaskRecord } from '../core/types.js';
import { defineAction } from './define-action.js';
import { encodeTaskHandle } from './move-tasks/task-handle.js';
import { authorize } from './shared/authorize.js';
import { queueByArn } from './shared/redrive.js';

const MAX_REASON = 'Must be between 1 and 10, if provided.';

export const ListMessageMoveTasksInput = z.object({
  SourceArn: z.string(),
  MaxResults: z.number().int().min(1, MAX_REASON).max(10, MAX_REASON).optional(),
});

function renderTask(task: MoveTaskRecord) {
  return {
    // AWS shows the handle only while the task can still be cancelled.
    TaskHandle: task.status === 'RUNNING' ? encodeTaskHandle({ taskId: task.taskId, sourceArn: task.sourceArn }) : undefined,
    Status: task.status,
    SourceArn: task.sourceArn,
    DestinationArn: task.destinationArn ?? undefined,
    MaxNumberOfMessagesPerSecond: task.maxPerSecond ?? undefined,
    ApproximateNumberOfMessagesMoved: task.moved,
    ApproximateNumberOfMessagesToMove: task.toMove,
    FailureReason: task.failureReason ?? undefined,
    StartedTimestamp: task.startedAt,
  };
}

export const listMessageMoveTasks = defineAction('ListMessageMoveTasks', () => ListMessageMoveTasksInput, async (input, ctx) => {
  const source = await queueByArn(ctx, input.SourceArn);
  if (!source) throw SqsErrors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
  authorize(ctx, source, 'ListMessageMoveTasks');
  const tasks = await ctx.storage.listMoveTasks(source.id, input.MaxResults ?? 1);
  return { Results: tasks.map(renderTask) };
});
