import { XMLBuilder } from 'fast-xml-parser';
import type { Member, Shape, StructShape } from './shapes.js';
import { shapeOf } from './shapes.js';

// Canonical output → Query XML, walking the output with the same table the decoder uses (reference §1.4).

export const XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

/** What AWS answers for a request that names no action (reference §1.2). */
export const UNKNOWN_OPERATION_XML = '<UnknownOperationException/>';

type XmlNode = string | { [element: string]: XmlNode | XmlNode[] };

// fast-xml-parser's builder escapes `'` as &apos; but leaves CR literal, which XML parsers (expat,
// botocore) normalise to LF and so break body MD5s. We therefore switch its entity processing off and
// escape every text value ourselves, exactly as AWS does: & < > " and CR as &#xD; (reference §1.4).
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  suppressEmptyNode: true,
  format: false,
});

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#xD;' };

// XML 1.0 cannot carry C0 controls other than TAB/LF/CR, nor U+FFFE/U+FFFF, not even as character
// references. Stored data never holds them (send refuses them), so this only ever touches client text
// echoed in an error message (`Action=%01`); it becomes U+FFFD, as lone surrogates do when the answer is
// encoded to UTF-8, so every Query answer is well-formed.
const TO_ESCAPE = /[&<>"\r\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(TO_ESCAPE, (c) => ESCAPES[c] ?? '\uFFFD');
}

export function renderResult(action: string, output: object, requestId: string): string {
  const shape = shapeOf(action);
  const response: Record<string, XmlNode> = { '@_xmlns': XML_NAMESPACE };
  // Void actions have no Result element; every other action always gets one, even empty, because
  // botocore's parser raises KeyError without it (reference §1.4).
  if (shape?.output !== null) {
    response[`${action}Result`] = renderStruct(output as Record<string, unknown>, shape?.output ?? EMPTY);
  }
  response.ResponseMetadata = { RequestId: escapeXml(requestId) };
  return builder.build({ [`${action}Response`]: response }) as string;
}

export interface XmlError {
  fault: string;
  code: string;
  message: string;
}

export function renderError(error: XmlError, requestId: string): string {
  return builder.build({
    ErrorResponse: {
      '@_xmlns': XML_NAMESPACE,
      Error: { Type: error.fault, Code: escapeXml(error.code), Message: escapeXml(error.message), Detail: '' },
      RequestId: escapeXml(requestId),
    },
  }) as string;
}

const EMPTY: StructShape = { kind: 'struct', members: {} };

function renderStruct(value: Record<string, unknown>, shape: StructShape): XmlNode {
  const node: Record<string, XmlNode | XmlNode[]> = {};
  const listed = Object.keys(shape.members).filter((name) => Object.hasOwn(value, name));
  const unlisted = Object.keys(value).filter((name) => !Object.hasOwn(shape.members, name));
  for (const name of [...listed, ...unlisted]) {
    const memberValue = value[name];
    if (memberValue === undefined || memberValue === null) continue;
    const member = shape.members[name] ?? inferMember(name, memberValue);
    const rendered = renderMember(memberValue, member);
    if (!Array.isArray(rendered) || rendered.length > 0) node[member.wire] = rendered;
  }
  return node;
}

// Flattened lists and maps repeat their element; the builder turns an array into repeated elements.
function renderMember(value: unknown, member: Member): XmlNode | XmlNode[] {
  const { shape } = member;
  if (shape.kind === 'list') return (value as unknown[]).map((item) => renderShape(item, shape.item));
  if (shape.kind === 'map') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined && entry !== null)
      .map(([key, entry]) => ({ [shape.key]: escapeXml(key), Value: renderShape(entry, shape.valueShape) }));
  }
  return renderShape(value, shape);
}

function renderShape(value: unknown, shape: Shape): XmlNode {
  if (shape.kind === 'struct') return renderStruct(value as Record<string, unknown>, shape);
  return renderScalar(value);
}

// Booleans as true/false and numbers in decimal (reference §1.4); strings escaped.
function renderScalar(value: unknown): string {
  return escapeXml(String(value));
}

/** Members outside the table: arrays repeat the member name, objects nest, the rest are text. */
function inferMember(name: string, value: unknown): Member {
  if (Array.isArray(value)) {
    const item = value.some((entry) => typeof entry === 'object' && entry !== null) ? EMPTY : STRING;
    return { wire: name, shape: { kind: 'list', item } };
  }
  return { wire: name, shape: typeof value === 'object' ? EMPTY : STRING };
}

const STRING: Shape = { kind: 'string' };
