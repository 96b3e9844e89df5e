import { hasRole } from '../auth/authenticate';
import { insufficientRole, missingToken } from '../auth/challenge';
import type { AccessClaims } from '../auth/tokens';
import { ApiError, forbidden } from '../errors';
import type { Who } from './rules/who';

/**
 * How a caller passes a rule: fully (public, authenticated, or a role of theirs), only as the owner of the
 * records (then lists are filtered and writes checked), or not at all, and why.
 */
export type Verdict =
  { pass: 'full' } | { pass: 'owner'; callerId: string } | { pass: 'none'; reason: 'token' | 'role' | 'nobody' | 'unverified'; roles: string[] };

/**
 * A caller with a verified email: an account's current flag (authenticate.ts reads it on every request); for a
 * trusted provider's token, what it said (trusted-caller.ts). Never a service token, which has no email.
 */
const isVerifiedCaller = (claims: AccessClaims) => !claims.service && claims.email_verified === true;

export function decide(who: readonly Who[], claims: AccessClaims | undefined): Verdict {
  if (who.some((each) => each.kind === 'public')) return { pass: 'full' };
  if (claims) {
    const passes = (each: Who) =>
      each.kind === 'authenticated' || (each.kind === 'verified' && isVerifiedCaller(claims)) || (each.kind === 'role' && hasRole(claims, each.role));
    if (who.some(passes)) return { pass: 'full' };
    // README "Access rules": owner semantics apply only to a caller who passes as nothing else. A service token
    // (client_credentials) is a client, not an account: it owns no record.
    if (!claims.service && who.some((each) => each.kind === 'owner')) return { pass: 'owner', callerId: claims.sub };
  }
  const roles = who.flatMap((each) => (each.kind === 'role' ? [each.role] : []));
  if (who.every((each) => each.kind === 'nobody')) return { pass: 'none', reason: 'nobody', roles };
  if (!claims) return { pass: 'none', reason: 'token', roles };
  if (roles.length === 0 && who.some((each) => each.kind === 'verified')) return { pass: 'none', reason: 'unverified', roles };
  return { pass: 'none', reason: 'role', roles };
}

/** The error a refused verdict answers with: 401 when a token would help, 403 when nothing would. */
export function refusal(verdict: Extract<Verdict, { pass: 'none' }>, what: string): ApiError {
  if (verdict.reason === 'token') return missingToken();
  if (verdict.reason === 'nobody') return forbidden(`Nobody may ${what}: the rule in routes.json forbids it.`);
  if (verdict.reason === 'unverified')
    return insufficientRole(
      `Only a caller whose email is verified may ${what}: follow the link of the verification mail (POST /auth/verify-email/resend sends another).`,
    );
  // No role named: only owners pass, and the caller is a service token, which owns no record (decide).
  if (verdict.roles.length === 0) return insufficientRole(`Only the owner of a record may ${what}; a service token (client_credentials) owns none.`);
  return insufficientRole(`Only the role ${verdict.roles.join(' or ')} may ${what}.`);
}
