import { describe, expect, it } from 'vitest';
import { evaluatePolicy, isValidPolicyDocument } from '../../src/core/policy-evaluation.js';

const QUEUE = 'arn:aws:sqs:us-east-1:111111111111:orders';
const BOB = '222222222222';
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (extra: object) => ({ Effect: 'Allow', Principal: { AWS: BOB }, Action: 'sqs:SendMessage', Resource: QUEUE, ...extra });
const decide = (document: string | undefined, action = 'SendMessage', account = BOB) =>
  evaluatePolicy(document, { account, action, resource: QUEUE });

describe('queue policy evaluation', () => {
  it.each([
    ['an account id', { Principal: { AWS: BOB } }],
    ['the account root ARN', { Principal: { AWS: `arn:aws:iam::${BOB}:root` } }],
    ['a list naming the account', { Principal: { AWS: ['333333333333', BOB] } }],
    ['"*"', { Principal: '*' }],
    ['{"AWS": "*"}', { Principal: { AWS: '*' } }],
    ['sqs:* as the action', { Action: 'sqs:*' }],
    ['a wildcard action in other case', { Action: 'SQS:send*' }],
    ['"*" as the action', { Action: '*' }],
    ['a wildcard resource', { Resource: 'arn:aws:sqs:*:111111111111:ord?rs' }],
    ['no resource', { Resource: undefined }],
  ])('allows when the principal, action and resource match: %s', (_name, extra) => {
    expect(decide(policy(allow(extra)))).toBe('allow');
  });

  it.each([
    ['no policy', undefined],
    ['another account', policy(allow({ Principal: { AWS: '333333333333' } }))],
    ['an IAM user of the account (Wharf keys are account roots)', policy(allow({ Principal: { AWS: `arn:aws:iam::${BOB}:user/bob` } }))],
    ['another action', policy(allow({ Action: 'sqs:ReceiveMessage' }))],
    ['another queue', policy(allow({ Resource: 'arn:aws:sqs:us-east-1:111111111111:other' }))],
    ['a condition Wharf cannot evaluate', policy(allow({ Condition: { ArnEquals: { 'aws:SourceArn': 'x' } } }))],
    ['a service principal', policy(allow({ Principal: { Service: 'sns.amazonaws.com' } }))],
  ])('grants nothing for %s', (_name, document) => {
    expect(decide(document)).toBe('none');
  });

  it('lets an explicit Deny win over any Allow, whatever the statement order', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: QUEUE };
    expect(decide(policy(allow({}), deny))).toBe('deny');
    expect(decide(policy(deny, allow({})))).toBe('deny');
    expect(decide(policy(allow({ Action: 'sqs:*' }), deny), 'ReceiveMessage')).toBe('allow');
  });

  it('applies a conditional Deny, the safe reading of a condition it cannot evaluate', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(decide(policy(allow({}), deny))).toBe('deny');
  });

  it('honours NotPrincipal, NotAction and NotResource', () => {
    expect(decide(policy({ Effect: 'Deny', NotPrincipal: { AWS: BOB }, Action: 'sqs:*' }))).toBe('none');
    expect(decide(policy({ Effect: 'Deny', NotPrincipal: { AWS: '333333333333' }, Action: 'sqs:*' }))).toBe('deny');
    expect(decide(policy(allow({ Action: undefined, NotAction: 'sqs:DeleteMessage' })))).toBe('allow');
    expect(decide(policy(allow({ Resource: undefined, NotResource: QUEUE })))).toBe('none');
  });
});

describe('policy documents SetQueueAttributes accepts', () => {
  it.each([
    ['an AddPermission-style document', { Version: '2008-10-17', Id: 'x', Statement: [allow({})] }],
    ['a single statement object', { Statement: allow({}) }],
    ['a document without statements (grants nothing)', { a: 1 }],
  ])('accepts %s', (_name, document) => {
    expect(isValidPolicyDocument(document)).toBe(true);
  });

  it.each([
    ['an unknown Version', { Version: '2020-01-01', Statement: [allow({})] }],
    ['an empty statement list', { Statement: [] }],
    ['a statement without Effect', { Statement: [allow({ Effect: undefined })] }],
    ['Effect "allow" in lower case', { Statement: [allow({ Effect: 'allow' })] }],
    ['a statement without principal', { Statement: [allow({ Principal: undefined })] }],
    ['both Action and NotAction', { Statement: [allow({ NotAction: 'sqs:*' })] }],
    ['an action that is a number', { Statement: [allow({ Action: 7 })] }],
    ['a statement that is a string', { Statement: ['Allow everything'] }],
  ])('refuses %s', (_name, document) => {
    expect(isValidPolicyDocument(JSON.parse(JSON.stringify(document)))).toBe(false);
  });
});
