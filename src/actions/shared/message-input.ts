import { z } from 'zod';
import { ownRecord } from './own-record.js';
import { MAX_DELAY_SECONDS } from '../../core/limits.js';

const MessageAttributeValueInput = z.object({
  DataType: z.string(),
  StringValue: z.string().optional(),
  BinaryValue: z.string().optional(),
  // Reserved and unused by AWS; accepted here so that they reach validation and get AWS's error.
  StringListValues: z.array(z.string()).optional(),
  BinaryListValues: z.array(z.string()).optional(),
});

export const MessageAttributesInput = ownRecord(MessageAttributeValueInput);

export const DelaySecondsInput = z
  .number()
  .int()
  .min(0, `Must be >= 0 and <= ${MAX_DELAY_SECONDS}, if provided.`)
  .max(MAX_DELAY_SECONDS, `Must be >= 0 and <= ${MAX_DELAY_SECONDS}, if provided.`);

/** The members a SendMessage request and a SendMessageBatch entry have in common. */
export const SendFields = {
  MessageBody: z.string(),
  DelaySeconds: DelaySecondsInput.optional(),
  MessageAttributes: MessageAttributesInput.optional(),
  MessageSystemAttributes: MessageAttributesInput.optional(),
  MessageDeduplicationId: z.string().optional(),
  MessageGroupId: z.string().optional(),
};

export const SendEntryInput = z.object(SendFields);
export type SendEntry = z.output<typeof SendEntryInput>;
