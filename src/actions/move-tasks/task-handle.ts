import { SqsErrors } from '../../core/errors.js';

// Opaque to clients. Carrying the source ARN lets CancelMessageMoveTask tell "source queue gone" from
// "no such task", as AWS does (reference §6.3).
export interface TaskHandle {
  taskId: string;
  sourceArn: string;
}

export function encodeTaskHandle(handle: TaskHandle): string {
  return Buffer.from(JSON.stringify(handle), 'utf8').toString('base64');
}

export function decodeTaskHandle(text: string): TaskHandle {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
    if (value && typeof value === 'object') {
      const { taskId, sourceArn } = value as Record<string, unknown>;
      if (typeof taskId === 'string' && typeof sourceArn === 'string') return { taskId, sourceArn };
    }
  } catch {
    // fall through: not base64 JSON
  }
  throw SqsErrors.invalidParameterValue('Value for parameter TaskHandle is invalid.');
}
