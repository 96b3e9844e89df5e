import type { Account } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import type { Session, SessionStore } from '../sessions/session-store';
import { refusedAsUnverified } from './unverified-refusal';
import { sessionAccount } from './session-account';

/** What a refresh came to, for its endpoint to answer in its own words: /auth/refresh, or the OpenID token endpoint. */
export type Refresh =
  | { outcome: 'rotated'; session: Session; refreshToken: string; account: Account }
  | { outcome: 'unknown' | 'reused' | 'raced' | 'expired' | 'ended' }
  | { outcome: 'account-gone' }
  | { outcome: 'unverified'; description: string };

export interface RefreshOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  /** --require-verified-email: a session whose account's email is not verified (a new email) refreshes no more. */
  requireVerifiedEmail?: boolean;
}

/**
 * RFC 6749 §6 for /auth/refresh and the token endpoint alike: the refresh token is rotated (spent, with reuse
 * detection), unless its account's email is not verified under --require-verified-email. That is checked before
 * the token is spent, so a refused refresh leaves it working for after the click; and again after, as the account
 * may have changed while the rotation was saved (then the new token is not handed out).
 */
export async function refreshSession(
  { accounts, sessions, requireVerifiedEmail }: RefreshOptions,
  token: string,
  userAgent: string | undefined,
): Promise<Refresh> {
  // Read users.json first: between looking the token up and spending it nothing may wait (see SessionStore rotate).
  await accounts.reloadIfChangedOnDisk();
  const found = sessions.lookupRefreshToken(token);
  const before = found.state === 'current' ? sessionAccount(accounts, found.session) : undefined;
  const refusedBefore = before && refusedAsUnverified(before, requireVerifiedEmail);
  if (refusedBefore) return { outcome: 'unverified', description: refusedBefore };
  const rotation = await sessions.rotate(token, userAgent);
  if (rotation.outcome !== 'rotated') return { outcome: rotation.outcome };
  const { session, refreshToken } = rotation;
  const account = sessionAccount(accounts, session);
  if (!account) {
    await sessions.end({ sessionId: session.id }, 'account deleted or replaced');
    return { outcome: 'account-gone' };
  }
  const refusedAfter = refusedAsUnverified(account, requireVerifiedEmail);
  if (refusedAfter) return { outcome: 'unverified', description: refusedAfter };
  return { outcome: 'rotated', session, refreshToken, account };
}
