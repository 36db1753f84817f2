// SendMessage content rules (reference §4.1–4.3). Wording follows AWS where it was recorded (noted [A]);
// the rest is AWS-style text that emulators tested against AWS agree on, and is marked unverified.
import { SqsErrors } from './errors.js';
import { MAX_MESSAGE_ATTRIBUTES } from './limits.js';
import type { MessageAttributeMap, MessageAttributeValue } from './types.js';

// Regex scans run natively in V8 and allocate nothing per character. The `u`-flag regex is exact (a lone
// surrogate is a code point of its own, U+D800–U+DFFF, outside every allowed range; a valid pair is one
// astral code point) but scans ~5x slower, so a BMP-only pass runs first: it stops at the first surrogate
// or invalid unit, and only the rest of the string from there needs the exact check. Measured on 8 MiB:
// ~10 ms for ASCII or BMP text, ~65 ms when the text is all emoji.
const OUTSIDE_BMP_RANGES = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/;
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function hasOnlyValidCharacters(text: string): boolean {
  const first = text.search(OUTSIDE_BMP_RANGES);
  // slice() of a long string is a V8 sliced string (no copy); it starts on a whole code unit pair or a lone one.
  return first === -1 || !INVALID_CHARACTER.test(text.slice(first));
}

export function validateMessageBody(body: string): void {
  if (body.length === 0) throw SqsErrors.missingParameter('MessageBody');
  if (!hasOnlyValidCharacters(body)) throw SqsErrors.invalidMessageContents();
}

const MAX_NAME_LENGTH = 256;
const MAX_DATA_TYPE_LENGTH = 256;
// AWS accepted the name `attr.1øßä` (LocalStack AWS-validated test), so "alphanumeric" means Unicode
// letters and digits, not just ASCII; `§`, `!`, `(` and `?` were rejected.
const NAME_CHARACTERS = /^[\p{L}\p{N}_.-]+$/u;
const RESERVED_PREFIX = /^(aws|amazon)\./i;
const DATA_TYPE = /^(String|Number|Binary)(\..+)?$/s;
// Standard alphabet with padding, the form every SDK and the Query protocol send.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The message attribute name rules (reference §4.2), shared with the receive-side filter. */
export function isValidAttributeName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_NAME_LENGTH &&
    NAME_CHARACTERS.test(name) &&
    !RESERVED_PREFIX.test(name) &&
    !name.startsWith('.') &&
    !name.endsWith('.') &&
    !name.includes('..')
  );
}

const invalid = (message: string) => SqsErrors.invalidParameterValue(message);

function validateName(name: string): void {
  if (name.length === 0) throw invalid('The request must contain non-empty message (user) attribute names.');
  if (name.length > MAX_NAME_LENGTH) throw invalid('Message (user) attribute name must be shorter than 256 bytes.');
  if (RESERVED_PREFIX.test(name)) {
    throw invalid(
      "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for internal use.",
    );
  }
  if (!isValidAttributeName(name)) {
    throw invalid(
      `Message (user) attribute name '${name}' is invalid. Names can only contain alphanumeric characters, ` +
        "hyphens, underscores and periods, and can't start or end with a period or contain two periods in a row.",
    );
  }
}

/**
 * Numbers may carry up to 38 significant digits and lie between 10^-128 and 10^+126 in magnitude (SQS
 * Developer Guide, "Message attribute data types"). Checked on the digit string, so no float rounding.
 */
function isSqsNumber(value: string): boolean {
  const match = DECIMAL.exec(value);
  if (!match) return false;
  const [, integer = '', fraction = '', exponent = '0'] = match;
  if (integer.length + fraction.length === 0) return false;
  const digits = (integer + fraction).replace(/^0+/, '');
  if (digits.length === 0) return true;
  const significant = digits.replace(/0+$/, '');
  if (significant.length > 38) return false;
  // Decimal exponent of the leading significant digit.
  const magnitude = Number(exponent) - fraction.length + digits.length - 1;
  return magnitude >= -128 && (magnitude < 126 || (magnitude === 126 && significant === '1'));
}

function validateValue(name: string, attribute: MessageAttributeValue): void {
  const binary = attribute.DataType.startsWith('Binary');
  const value = binary ? attribute.BinaryValue : attribute.StringValue;
  const other = binary ? attribute.StringValue : attribute.BinaryValue;
  // [A] for String; the same sentence is used for the other types.
  if (value === undefined || value.length === 0) {
    throw invalid(`Message (user) attribute '${name}' must contain a non-empty value of type '${attribute.DataType}'.`);
  }
  if (other !== undefined && other.length > 0) throw invalid(`Message (user) attribute '${name}' must have a single value.`);
  if (binary) {
    if (!BASE64.test(value)) throw invalid(`Message (user) attribute '${name}' has a BinaryValue that is not valid base64.`);
  } else if (attribute.DataType.startsWith('Number')) {
    if (!isSqsNumber(value)) throw invalid(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  } else if (!hasOnlyValidCharacters(value)) {
    throw invalid(`Message (user) attribute '${name}' contains invalid characters. ${SqsErrors.invalidMessageContents().message}`);
  }
}

function validateAttribute(name: string, attribute: MessageAttributeValue): void {
  validateName(name);
  const dataType = attribute.DataType;
  if (!dataType) throw invalid(`The message (user) attribute '${name}' must contain a non-empty message attribute type.`);
  if (dataType.length > MAX_DATA_TYPE_LENGTH) throw invalid('Message (user) attribute type must be shorter than 256 bytes.');
  // A custom type label (`String.x`) is echoed in every ReceiveMessage: characters XML cannot carry
  // would make each later Query receive unparsable, so they are refused here.
  if (!hasOnlyValidCharacters(dataType)) {
    throw invalid(`The type of message (user) attribute '${name}' contains invalid characters. ${SqsErrors.invalidMessageContents().message}`);
  }
  if (!DATA_TYPE.test(dataType)) {
    throw invalid(
      `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    );
  }
  validateValue(name, attribute);
}

export function validateMessageAttributes(attributes: MessageAttributeMap): void {
  const entries = Object.entries(attributes);
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) {
    throw SqsErrors.tooManyMessageAttributes(entries.length);
  }
  for (const [name, attribute] of entries) validateAttribute(name, attribute);
}

/** SendMessage accepts one system attribute, AWSTraceHeader, of type String (reference §4.3). */
export function validateSystemAttributes(attributes: MessageAttributeMap): void {
  for (const [name, attribute] of Object.entries(attributes)) {
    if (name !== 'AWSTraceHeader') throw invalid(`Message system attribute name '${name}' is invalid.`);
    if (attribute.DataType !== 'String') {
      throw invalid(`Message system attribute '${name}' must be of type 'String'.`);
    }
    if (!attribute.StringValue) {
      throw invalid(`Message system attribute '${name}' must contain a non-empty value of type 'String'.`);
    }
    if (!hasOnlyValidCharacters(attribute.StringValue)) {
      throw invalid(`Message system attribute '${name}' contains invalid characters. ${SqsErrors.invalidMessageContents().message}`);
    }
    if (attribute.BinaryValue !== undefined && attribute.BinaryValue.length > 0) {
      throw invalid(`Message system attribute '${name}' must have a single value.`);
    }
  }
}
