import { SqsErrors } from './errors.js';

// AddPermission/RemovePermission maintain the queue's Policy attribute the way AWS writes it
// (reference §2 AddPermission): one statement per label, strings for single values, arrays for several.

interface Statement {
  Sid?: string;
  [key: string]: unknown;
}

interface PolicyDocument {
  Version: string;
  Id: string;
  Statement: Statement[];
}

const MAX_STATEMENTS = 20;
const LABEL = /^[A-Za-z0-9_-]{1,80}$/;

const oneOrMany = (values: string[]) => (values.length === 1 ? values[0] : values);

function parsePolicy(policy: string | undefined, queueArn: string): PolicyDocument {
  const fresh = { Version: '2008-10-17', Id: `${queueArn}/SQSDefaultPolicy`, Statement: [] };
  if (!policy) return fresh;
  const parsed = JSON.parse(policy) as Partial<PolicyDocument>;
  const statements = parsed.Statement;
  return { ...fresh, ...parsed, Statement: Array.isArray(statements) ? statements : statements ? [statements] : [] };
}

export function addPermissionStatement(input: {
  policy: string | undefined;
  queueArn: string;
  label: string;
  accountIds: string[];
  actions: string[];
}): string {
  if (!LABEL.test(input.label)) {
    throw SqsErrors.invalidParameter('Label', input.label, 'Label can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.');
  }
  if (input.accountIds.length === 0) throw SqsErrors.missingParameter('AWSAccountIds');
  if (input.actions.length === 0) throw SqsErrors.missingParameter('Actions');
  if (input.actions.length > 7) throw SqsErrors.overLimit('7 actions per statement is the maximum.');
  const document = parsePolicy(input.policy, input.queueArn);
  if (document.Statement.some((statement) => statement.Sid === input.label)) {
    throw SqsErrors.invalidParameter('Label', input.label, 'Already exists.');
  }
  if (document.Statement.length >= MAX_STATEMENTS) throw SqsErrors.overLimit(`${MAX_STATEMENTS} statements per policy is the maximum.`);
  document.Statement.push({
    Sid: input.label,
    Effect: 'Allow',
    Principal: { AWS: oneOrMany(input.accountIds.map((id) => `arn:aws:iam::${id}:root`)) },
    Action: oneOrMany(input.actions.map((action) => `SQS:${action}`)),
    Resource: input.queueArn,
  });
  return JSON.stringify(document);
}

/** Returns the new Policy, or undefined when the last statement went (AWS then drops the attribute). */
export function removePermissionStatement(policy: string | undefined, queueArn: string, label: string): string | undefined {
  const document = parsePolicy(policy, queueArn);
  const remaining = document.Statement.filter((statement) => statement.Sid !== label);
  if (remaining.length === document.Statement.length) throw SqsErrors.invalidParameter('Label', label, "can't find label.");
  return remaining.length === 0 ? undefined : JSON.stringify({ ...document, Statement: remaining });
}
