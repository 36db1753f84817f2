// The queue Policy (an IAM resource policy) evaluated for a caller from another account: an explicit Deny
// wins, then an Allow naming the caller's account, the action and the queue. Pure: no HTTP, no storage.
//
// What is honoured (README "Security"): Effect; Principal/NotPrincipal as "*", {"AWS": "*"}, an account id
// or `arn:aws:iam::<account>:root` (one or a list); Action/NotAction as `sqs:<Action>` with `*`/`?`
// wildcards, case-insensitive as IAM matches actions; Resource/NotResource as ARN patterns (absent: this
// queue). Conditions are not evaluated, so they are read the safe way: an Allow with a Condition grants
// nothing and a Deny with a Condition always applies. Wharf has no IAM users or roles, so principals naming
// them match no caller.

export type PolicyDecision = 'allow' | 'deny' | 'none';

export interface AccessRequest {
  /** The caller's account id. */
  account: string;
  /** The SQS action as IAM names it, without prefix: `SendMessage` (batch actions use their single form). */
  action: string;
  /** The queue's ARN. */
  resource: string;
}

type Statement = Record<string, unknown>;

export function evaluatePolicy(policy: string | undefined, request: AccessRequest): PolicyDecision {
  const statements = statementsOf(policy);
  let allowed = false;
  for (const statement of statements) {
    if (!applies(statement, request)) continue;
    if (statement.Effect === 'Deny') return 'deny';
    if (statement.Effect === 'Allow' && statement.Condition === undefined) allowed = true;
  }
  return allowed ? 'allow' : 'none';
}

function statementsOf(policy: string | undefined): Statement[] {
  if (!policy) return [];
  try {
    const document = JSON.parse(policy) as { Statement?: unknown };
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    return statements.filter((s): s is Statement => typeof s === 'object' && s !== null && !Array.isArray(s));
  } catch {
    return [];
  }
}

function applies(statement: Statement, request: AccessRequest): boolean {
  return (
    matchesEither(statement, 'Principal', 'NotPrincipal', (value) => principalMatches(value, request.account)) &&
    matchesEither(statement, 'Action', 'NotAction', (value) => listOf(value).some((p) => glob(p, true).test(`sqs:${request.action}`))) &&
    matchesEither(statement, 'Resource', 'NotResource', (value) => listOf(value).some((p) => glob(p, false).test(request.resource)), true)
  );
}

/** The positive element must match, or the negative one must not; neither present → `whenAbsent`. */
function matchesEither(statement: Statement, positive: string, negative: string, test: (value: unknown) => boolean, whenAbsent = false): boolean {
  if (statement[positive] !== undefined) return test(statement[positive]);
  if (statement[negative] !== undefined) return !test(statement[negative]);
  return whenAbsent;
}

function principalMatches(principal: unknown, account: string): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  return listOf((principal as { AWS?: unknown }).AWS).some(
    (id) => id === '*' || id === account || id === `arn:aws:iam::${account}:root`,
  );
}

function listOf(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

const globCache = new Map<string, RegExp>();

// IAM wildcards: `*` any run, `?` one character; everything else literal.
function glob(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let regex = globCache.get(key);
  if (!regex) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
    regex = new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
    if (globCache.size > 1000) globCache.clear();
    globCache.set(key, regex);
  }
  return regex;
}

const EFFECTS = new Set(['Allow', 'Deny']);
const VERSIONS = new Set(['2008-10-17', '2012-10-17']);
const isStringOrList = (value: unknown) =>
  typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));

/**
 * Whether a Policy document is well formed enough to evaluate. A document without statements grants nothing
 * and is accepted, as Wharf always has; each statement present needs an Effect, a principal and an action.
 */
export function isValidPolicyDocument(document: Record<string, unknown>): boolean {
  if (document.Version !== undefined && !VERSIONS.has(document.Version as string)) return false;
  if (document.Statement === undefined) return true;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.length > 0 && statements.every(isValidStatement);
}

function isValidStatement(statement: unknown): boolean {
  if (typeof statement !== 'object' || statement === null || Array.isArray(statement)) return false;
  const s = statement as Statement;
  const one = (a: string, b: string) => (s[a] === undefined) !== (s[b] === undefined);
  const principalOk = (p: unknown) =>
    p === '*' || (typeof p === 'object' && p !== null && !Array.isArray(p) && Object.values(p).every(isStringOrList));
  return (
    EFFECTS.has(s.Effect as string) &&
    one('Principal', 'NotPrincipal') &&
    principalOk(s.Principal ?? s.NotPrincipal) &&
    one('Action', 'NotAction') &&
    isStringOrList(s.Action ?? s.NotAction) &&
    (s.Resource === undefined || isStringOrList(s.Resource)) &&
    (s.NotResource === undefined || isStringOrList(s.NotResource)) &&
    (s.Condition === undefined || (typeof s.Condition === 'object' && s.Condition !== null))
  );
}
