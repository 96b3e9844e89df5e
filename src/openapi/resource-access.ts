/**
 * Who may call a resource operation, in the document's terms (README "OpenAPI and typed clients"): the `security`
 * of the operation and a sentence for its description, from the same policy the guard enforces (access/policy.ts).
 */
import type { Who } from '../access/rules/who';
import type { Operation } from './components';
import { shared } from './operation-parts';

export interface OperationAccess {
  security: unknown[];
  /** "Who may call it: …", for the description. */
  words: string;
  /** The 401 and 403 a refused caller gets, none for a public operation. */
  refusals: Record<string, unknown>;
}

/** The caller kinds in a reader's words; `ownerField` is the record field naming the owner (`userId`). */
function describeWho(who: Who, ownerField: string): string {
  switch (who.kind) {
    case 'public':
      return 'anyone, without a token';
    case 'authenticated':
      return 'any signed-in caller';
    case 'verified':
      return 'a signed-in caller whose email is verified';
    case 'owner':
      return `the record's owner (its \`${ownerField}\` is the caller's id; a create is stamped with it)`;
    case 'role':
      return `role \`${who.role}\``;
    default:
      return 'nobody';
  }
}

/**
 * The access of an operation, or undefined when nobody may call it: such an operation is left out of the document
 * (a client generated from it has no method that can only fail), and the path's description says so.
 */
export function operationAccess(who: readonly Who[], ownerField: string, schemes: readonly string[]): OperationAccess | undefined {
  const callers = who.filter((each, index) => each.kind !== 'nobody' && who.findIndex((other) => JSON.stringify(other) === JSON.stringify(each)) === index);
  if (callers.length === 0) return undefined;
  const words = `Who may call it: ${callers.map((each) => describeWho(each, ownerField)).join('; or ')}.`;
  if (callers.some((each) => each.kind === 'public')) return { security: [], words, refusals: {} };
  return {
    security: schemes.map((scheme) => ({ [scheme]: [] })),
    words,
    refusals: { '401': shared('Unauthorized'), '403': shared('Forbidden') },
  };
}

/** An operation with its access: the description ends with who may call it, the refusals join its responses. */
export function withAccess(access: OperationAccess, op: Operation & { description: string; responses: Record<string, unknown> }): Operation {
  return { ...op, description: `${op.description} ${access.words}`, security: access.security, responses: { ...op.responses, ...access.refusals } };
}

const REFUSALS = { '401': shared('Unauthorized'), '403': shared('Forbidden') };

/** 0 without a token, 1 with or without one, 2 with one: the stricter of two accesses is the one with the higher rank. */
const rank = (security: unknown[]) => (security.length === 0 ? 0 : security.some((each) => Object.keys(each as object).length === 0) ? 1 : 2);

/**
 * The access of an item operation of a collection with item rules (`/posts/1`): the callers of every record's rule,
 * a token optional where the collection's own rule asks none, and the refusals one record's rule may give.
 */
export function withRecordRules(access: OperationAccess, schemes: readonly string[]): OperationAccess {
  const security = access.security.length === 0 ? [...schemes.map((scheme) => ({ [scheme]: [] })), {}] : access.security;
  const words = `${access.words} Some records have rules of their own in routes.json: a caller may be refused one record and not another.`;
  return { security, words, refusals: REFUSALS };
}

/** A nested route (`/posts/{id}/comments`): the child's rule, and the right to read the parent record (access/gate.ts). */
export function andParentRead(child: OperationAccess, parent: OperationAccess, parentName: string): OperationAccess {
  const security = rank(parent.security) > rank(child.security) ? parent.security : child.security;
  const parentWords = parent.words.replace(/^Who may call it: /, '').replace(/\.$/, '');
  return {
    security,
    words: `${child.words} The caller must also be allowed to read the ${parentName}: ${parentWords}.`,
    refusals: { ...child.refusals, ...parent.refusals },
  };
}
