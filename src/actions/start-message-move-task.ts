import { z } from 'zod';
import { SqsErrors } from '../core/errors.js';
import { newMessageId } from '../core/ids.js';
import { defineAction } from './define-action.js';
import { encodeTaskHandle } from './move-tasks/task-handle.js';
import { authorize } from './shared/authorize.js';
import { queueByArn } from './shared/redrive.js';

const RATE_REASON = 'Must be between 1 and 500, if provided.';

export const StartMessageMoveTaskInput = z.object({
  SourceArn: z.string(),
  DestinationArn: z.string().optional(),
  MaxNumberOfMessagesPerSecond: z.number().int().min(1, RATE_REASON).max(500, RATE_REASON).optional(),
});

const notFound = (parameter: string) =>
  SqsErrors.resourceNotFound(`The resource that you specified for the ${parameter} parameter doesn't exist.`);

export const startMessageMoveTask = defineAction('StartMessageMoveTask', () => StartMessageMoveTaskInput, async (input, ctx) => {
  const source = await queueByArn(ctx, input.SourceArn);
  if (!source) throw notFound('SourceArn');
  authorize(ctx, source, 'StartMessageMoveTask');
  const sources = await ctx.storage.listDeadLetterSources(input.SourceArn, { limit: 1 });
  if (sources.length === 0) throw SqsErrors.invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
  if (input.DestinationArn !== undefined) {
    const destination = await queueByArn(ctx, input.DestinationArn);
    if (!destination) throw notFound('DestinationArn');
    authorize(ctx, destination, 'StartMessageMoveTask');
  }
  const [latest] = await ctx.storage.listMoveTasks(source.id, 1);
  if (latest && (latest.status === 'RUNNING' || latest.status === 'CANCELLING')) {
    throw SqsErrors.invalidParameterValue(
      'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    );
  }
  const now = ctx.clock.now();
  const stats = await ctx.storage.queueStats(source.id, now);
  const task = await ctx.storage.createMoveTask({
    taskId: newMessageId(),
    sourceQueueId: source.id,
    sourceArn: input.SourceArn,
    destinationArn: input.DestinationArn ?? null,
    maxPerSecond: input.MaxNumberOfMessagesPerSecond ?? null,
    // The runner moves receivable messages; in-flight ones belong to whoever received them.
    toMove: stats.visible,
    startedAt: now,
  });
  ctx.onMoveTaskChanged?.();
  return { TaskHandle: encodeTaskHandle({ taskId: task.taskId, sourceArn: task.sourceArn }) };
});
