import { z } from 'zod';

// z.record builds its output by assignment, so a client key `__proto__` replaces the prototype of the
// result and vanishes (TagQueue answered 200 and stored nothing). Client map keys are data: this record
// validates each value with the given schema and defines every key as an own property.
export function ownRecord<V extends z.ZodType>(valueSchema: V) {
  return z.unknown().transform((input, ctx): Record<string, z.output<V>> => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      ctx.addIssue({ code: 'invalid_type', expected: 'record', input });
      return z.NEVER;
    }
    const out: Record<string, z.output<V>> = {};
    for (const [key, raw] of Object.entries(input)) {
      const parsed = valueSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [key, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
        return z.NEVER;
      }
      Object.defineProperty(out, key, { value: parsed.data, enumerable: true, writable: true, configurable: true });
    }
    return out;
  });
}
