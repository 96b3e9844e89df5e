import { isEmailVerified, roleOf, toPublicUser, type PublicUser } from '../../accounts/accounts-file';
import type { AccountStore } from '../../accounts/account-store';
import { invalidToken } from '../challenge';
import { ACCOUNT_GONE } from '../session-account';
import type { AccessClaims } from '../tokens';
import { readClaim, rolesOf } from './claim-path';
import type { TrustedToken } from './trusted-tokens';

export interface CallerMapping {
  /** --trust-email-claim: the claim matched to a local account's email. */
  emailClaim: string;
  /** --role-claim: where an external caller's roles are. */
  roleClaim: string;
  /** The role of an external caller whose token names none: the role a self-registered account gets. */
  defaultRole: string;
}

/** `email_verified` as providers send it: `true` (or, from some, the text "true"); absent counts as verified, anything else not. */
const isVerified = (value: unknown) => value === undefined || value === true || value === 'true';

/**
 * Whether a `sub` could be a local account's id, now, once (an account deleted since) or later: a whole number as
 * this server gives ids (Google's 21-digit subs are beyond them), or a string id an account has or had. A caller
 * with such a sub would own that account's records.
 */
const couldBeLocalId = (accounts: AccountStore, sub: string) =>
  (/^(0|[1-9]\d*)$/.test(sub) && Number(sub) <= Number.MAX_SAFE_INTEGER) || accounts.hasOrHadId(sub);

/**
 * Who a trusted token's caller is, as of now (called on every request, so a local account created, deleted or given
 * another role counts at once). A verified email of a local account: that account, with its id, role and records.
 * Otherwise an external caller whose id is the token's `sub` and whose roles the --role-claim names. A `sub` that
 * could be a local account's id is refused: it would make the caller the owner of that account's records.
 */
export function trustedCaller(accounts: AccountStore, mapping: CallerMapping, token: TrustedToken): AccessClaims {
  const { payload, issuer, sub, exp } = token;
  const email = readClaim(payload, mapping.emailClaim);
  const base = { sid: '', jti: typeof payload.jti === 'string' ? payload.jti : '', iat: payload.iat ?? 0, exp, iss: issuer };
  const verifiedThere = isVerified(payload.email_verified);
  const found = typeof email === 'string' && verifiedThere ? accounts.loadedByExactEmail(email) : undefined;
  // Only a local account whose own email is verified: one registered here first under someone else's address (never
  // proved) must not receive the records of the person the provider vouches for.
  const account = found && isEmailVerified(found) ? found : undefined;
  if (account)
    return { ...base, sub: String(account.id), email: account.email, role: roleOf(account), email_verified: true, trusted: { issuer, localAccount: true } };
  if (couldBeLocalId(accounts, sub))
    throw invalidToken(`the token's sub could be the id of a local account, and its ${mapping.emailClaim} claim is no local account's verified email`);
  const roles = rolesOf(readClaim(payload, mapping.roleClaim));
  if (roles.length === 0) roles.push(mapping.defaultRole);
  return {
    ...base,
    sub,
    email: typeof email === 'string' ? email : '',
    role: roles[0],
    ...(roles.length > 1 ? { roles } : {}),
    // A `verified` rule lets in an external caller only when its provider said email_verified: true (and gave an email).
    email_verified: typeof email === 'string' && payload.email_verified === true,
    trusted: { issuer, localAccount: false },
  };
}

/** What GET /auth/me says of an external caller: what its token says. */
export interface ExternalProfile {
  id: string;
  email?: string;
  role: string;
  roles: readonly string[];
  issuer: string;
}

/** GET /auth/me for a trusted token: the local account it is, or what the token says of an external caller. */
export function trustedProfile(accounts: AccountStore, claims: AccessClaims): PublicUser | ExternalProfile {
  if (claims.trusted?.localAccount) {
    const account = accounts.loadedById(claims.sub);
    if (!account) throw invalidToken(ACCOUNT_GONE);
    return toPublicUser(account);
  }
  return {
    id: claims.sub,
    ...(claims.email === '' ? {} : { email: claims.email }),
    role: claims.role,
    roles: claims.roles ?? [claims.role],
    issuer: claims.iss,
  };
}
