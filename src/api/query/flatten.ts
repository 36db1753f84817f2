import type { ListShape, MapShape, Shape, StructShape } from './shapes.js';

// Query parameters → canonical AWS JSON 1.0 input. SQS flattens every list and map (reference §1.3):
// `AttributeName.2=x`, `Attribute.1.Name=k&Attribute.1.Value=v`,
// `SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=s`. Indexes start at 1 and are
// ordered numerically; gaps are tolerated.

type Params = Record<string, string>;

export function decodeStruct(params: Params, prefix: string, shape: StructShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const claimed = new Set<string>();
  for (const [name, member] of Object.entries(shape.members)) {
    claimed.add(member.wire).add(name);
    const value = decodeShape(params, prefix + member.wire, member.shape) ?? emptyListByMemberName(params, prefix + name, member.shape);
    if (value !== undefined) out[name] = value;
  }
  // Unlisted scalars pass through under their own name, so the action's schema decides about them.
  for (const key of Object.keys(params)) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (name.length > 0 && !name.includes('.') && !claimed.has(name) && !Object.hasOwn(out, name)) {
      setOwn(out, name, params[key]);
    }
  }
  return out;
}

function decodeShape(params: Params, name: string, shape: Shape): unknown {
  switch (shape.kind) {
    case 'string':
      return params[name];
    case 'integer':
      return coerceInteger(params[name]);
    case 'boolean':
      return coerceBoolean(params[name]);
    case 'list':
      return decodeList(params, name, shape);
    case 'map':
      return decodeMap(params, name, shape);
    case 'struct': {
      const value = decodeStruct(params, `${name}.`, shape);
      return Object.keys(value).length > 0 ? value : undefined;
    }
  }
}

// Only well-formed integers become numbers; anything else stays a string so the zod schema rejects it
// with the value the client sent (e.g. "Value abc for parameter DelaySeconds is invalid.").
function coerceInteger(raw: string | undefined): number | string | undefined {
  return raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

function coerceBoolean(raw: string | undefined): boolean | string | undefined {
  return raw === 'true' ? true : raw === 'false' ? false : raw;
}

// botocore's Query serializer sends an empty list under the member name (`Entries=`, `AttributeNames=`)
// where JS v2 uses the wire name; AWS sees no `X.N` parameters either way, so both mean [].
function emptyListByMemberName(params: Params, memberName: string, shape: Shape): unknown[] | undefined {
  return shape.kind === 'list' && params[memberName] === '' ? [] : undefined;
}

function decodeList(params: Params, name: string, shape: ListShape): unknown[] | undefined {
  const indexes = indexesOf(params, name);
  // SDKs send an empty list as the bare name with no value (JS v2 `SendMessageBatchRequestEntry=`,
  // botocore likewise), so that EmptyBatchRequest, not MissingParameter, is the answer.
  if (indexes.length === 0) return params[name] === '' ? [] : undefined;
  return indexes.map((n) => decodeShape(params, `${name}.${n}`, shape.item)).filter((item) => item !== undefined);
}

function decodeMap(params: Params, name: string, shape: MapShape): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const n of indexesOf(params, name)) {
    const key = params[`${name}.${n}.${shape.key}`];
    if (key === undefined) continue;
    // An entry without a Value is kept as undefined so the schema reports it instead of it vanishing.
    setOwn(out, key, decodeShape(params, `${name}.${n}.Value`, shape.valueShape));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Distinct N in `<name>.N` / `<name>.N.…`, ascending. */
function indexesOf(params: Params, name: string): number[] {
  const prefix = `${name}.`;
  const found = new Set<number>();
  for (const key of Object.keys(params)) {
    if (!key.startsWith(prefix)) continue;
    const segment = key.slice(prefix.length).split('.', 1)[0] ?? '';
    if (/^\d+$/.test(segment)) found.add(Number(segment));
  }
  return [...found].sort((a, b) => a - b);
}

// Map keys are client data: `__proto__` is a legal attribute name and must become an own property.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
