import type { ListShape, MapShape, Shape, StructShape } from './shapes.js';

// Query parameters → canonical AWS JSON 1.0 input. SQS flattens every list and map (reference §1.3):
// `AttributeName.2=x`, `Attribute.1.Name=k&Attribute.1.Value=v`,
// `SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=s`. Indexes start at 1 and are
// ordered numerically; gaps are tolerated.
//
// Linear in the request (STYLE §3.7): the parameter names are split once into a tree by dotted segment,
// then the walk follows the action's shape, so each parameter is visited a bounded number of times. The
// old decoder rescanned every name for every list entry: 4,000 batch entries blocked the event loop 12 s.
// A list with a limit is counted before any entry is decoded, and indexes are only compared, never used
// to size anything, so `Entry.999999999` costs what `Entry.1` does.

type Params = Record<string, string>;

/** One dotted segment: the value of the parameter that ends here, and the segments that follow it. */
export interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

export function indexParams(params: Params): ParamNode {
  const root: ParamNode = {};
  for (const name of Object.keys(params)) {
    let node = root;
    for (const segment of name.split('.')) {
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = {}));
      node = child;
    }
    node.value = params[name];
  }
  return root;
}

export function decodeParams(params: Params, shape: StructShape): Record<string, unknown> {
  return decodeStruct(indexParams(params), shape);
}

export function decodeStruct(node: ParamNode | undefined, shape: StructShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const claimed = new Set<string>();
  for (const [name, member] of Object.entries(shape.members)) {
    claimed.add(member.wire).add(name);
    const value = decodeShape(child(node, member.wire), member.shape) ?? emptyListByMemberName(child(node, name), member.shape);
    if (value !== undefined) out[name] = value;
  }
  // Unlisted scalars pass through under their own name, so the action's schema decides about them.
  for (const [name, entry] of node?.children ?? []) {
    if (name.length > 0 && entry.value !== undefined && !claimed.has(name) && !Object.hasOwn(out, name)) {
      setOwn(out, name, entry.value);
    }
  }
  return out;
}

function child(node: ParamNode | undefined, segment: string): ParamNode | undefined {
  return node?.children?.get(segment);
}

function decodeShape(node: ParamNode | undefined, shape: Shape): unknown {
  if (node === undefined) return undefined;
  switch (shape.kind) {
    case 'string':
      return node.value;
    case 'integer':
      return coerceInteger(node.value);
    case 'boolean':
      return coerceBoolean(node.value);
    case 'list':
      return decodeList(node, shape);
    case 'map':
      return decodeMap(node, shape);
    case 'struct': {
      const value = decodeStruct(node, shape);
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
function emptyListByMemberName(node: ParamNode | undefined, shape: Shape): unknown[] | undefined {
  return shape.kind === 'list' && node?.value === '' ? [] : undefined;
}

function decodeList(node: ParamNode, shape: ListShape): unknown[] | undefined {
  const entries = indexedEntries(node, shape);
  // SDKs send an empty list as the bare name with no value (JS v2 `SendMessageBatchRequestEntry=`,
  // botocore likewise), so that EmptyBatchRequest, not MissingParameter, is the answer.
  if (entries.length === 0) return node.value === '' ? [] : undefined;
  return entries.map((entry) => decodeShape(entry, shape.item)).filter((item) => item !== undefined);
}

function decodeMap(node: ParamNode, shape: MapShape): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const entry of indexedEntries(node, shape)) {
    const key = child(entry, shape.key)?.value;
    if (key === undefined) continue;
    // An entry without a Value is kept as undefined so the schema reports it instead of it vanishing.
    setOwn(out, key, decodeShape(child(entry, 'Value'), shape.valueShape));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The `<name>.N` children in ascending N, after checking their count against the shape's limit. */
function indexedEntries(node: ParamNode, shape: ListShape | MapShape): ParamNode[] {
  const indexed: { index: number; node: ParamNode }[] = [];
  for (const [segment, entry] of node.children ?? []) {
    if (isIndex(segment)) indexed.push({ index: Number(segment), node: entry });
  }
  if (shape.limit && indexed.length > shape.limit.max) throw shape.limit.tooMany(indexed.length);
  return indexed.sort((a, b) => a.index - b.index).map((entry) => entry.node);
}

function isIndex(segment: string): boolean {
  if (segment.length === 0) return false;
  for (let i = 0; i < segment.length; i++) {
    const code = segment.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

// Map keys are client data: `__proto__` is a legal attribute name and must become an own property.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
