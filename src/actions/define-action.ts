import type { z } from 'zod';
import type { ActionContext } from '../core/context.js';
import type { Limits } from '../core/limits.js';

/**
 * One SQS action: its name, the zod schema of its canonical (AWS JSON 1.0 shaped) input, built from the
 * server limits, and its handler. The api layer decodes either protocol into that input shape, parses it
 * with `input(limits)` and encodes whatever `run` returns.
 */
export interface ActionDef<Schema extends z.ZodType = z.ZodType, Output extends object = object> {
  name: string;
  input: (limits: Limits) => Schema;
  run: (input: z.output<Schema>, ctx: ActionContext) => Promise<Output>;
}

export function defineAction<Schema extends z.ZodType, Output extends object>(
  name: string,
  input: (limits: Limits) => Schema,
  run: (input: z.output<Schema>, ctx: ActionContext) => Promise<Output>,
): ActionDef<Schema, Output> {
  return { name, input, run };
}
