import { z } from 'zod';
import { ownRecord } from './own-record.js';
import { SqsErrors } from '../../core/errors.js';

export const TagsInput = ownRecord(z.string());

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** A queue holds at most this many tags (SQS tagging docs). */
export const MAX_TAGS = 50;

export const tooManyTags = () => SqsErrors.invalidParameterValue(`Too many tags added for queue. The maximum is ${MAX_TAGS}.`);

/** Tag limits from the SQS tagging docs: key 1–128, value 0–256, no `aws:` prefix, limited charset. */
export function checkTags(tags: Record<string, string>): void {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) throw tooManyTags();
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || !TAG_CHARS.test(key)) {
      throw SqsErrors.invalidParameterValue(`Tag key ${key} is invalid. Keys are 1 to 128 letters, digits, spaces and _.:/=+-@.`);
    }
    if (key.toLowerCase().startsWith('aws:')) {
      throw SqsErrors.invalidParameterValue(`Tag key ${key} is invalid. The aws: prefix is reserved.`);
    }
    if (value.length > 256 || !TAG_CHARS.test(value)) {
      throw SqsErrors.invalidParameterValue(`Tag value for key ${key} is invalid. Values are 0 to 256 letters, digits, spaces and _.:/=+-@.`);
    }
  }
}
