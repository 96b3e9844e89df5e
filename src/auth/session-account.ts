import { accountIdentity, type Account } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import type { Session, SessionStore } from '../sessions/session-store';
import { invalidToken } from './challenge';
import type { AccessClaims } from './tokens';

/**
 * The account a session belongs to: the one with its user id, as long as that is still the account that logged
 * in (same identity: id and email). An id freed while the server was down and given to someone else, or an
 * email edited by hand, leaves the session with no account. Two map lookups: every request pays this.
 */
export function sessionAccount(accounts: AccountStore, session: Session): Account | undefined {
  const account = accounts.loadedById(session.userId);
  return account !== undefined && accountIdentity(account) === session.accountIdentity ? account : undefined;
}

/** Why a good token is refused, in the words of its `WWW-Authenticate` challenge. */
export const SESSION_ENDED = 'the session has ended (logged out, replaced, or expired)';
export const ACCOUNT_GONE = 'the account no longer exists';

/** The caller's account, read afresh from users.json: the one the caller's session belongs to, else a 401. */
export async function callerAccount(accounts: AccountStore, sessions: SessionStore, claims: AccessClaims): Promise<Account> {
  await accounts.reloadIfChangedOnDisk();
  const session = sessions.activeSession(claims.sid);
  if (!session) throw invalidToken(SESSION_ENDED);
  const account = sessionAccount(accounts, session);
  if (!account) throw invalidToken(ACCOUNT_GONE);
  return account;
}

/**
 * Changes an account through the API, carrying its sessions along when its email (and so its identity) changes:
 * in the same step as the change, so no check ever sees the new email with the sessions still on the old one.
 * With `caller`, the account changed must be the one the caller's session belongs to (a 401 if it was replaced).
 */
export async function changeAccount(
  accounts: AccountStore,
  sessions: SessionStore,
  id: string,
  change: (account: Account) => Account,
  caller?: AccessClaims,
): Promise<Account | undefined> {
  const bound = caller && sessions.activeSession(caller.sid)?.accountIdentity;
  if (caller && bound === undefined) throw invalidToken(SESSION_ENDED);
  let rebound: Promise<void> = Promise.resolve();
  try {
    return await accounts.update(
      id,
      (account) => {
        if (caller && accountIdentity(account) !== bound) throw invalidToken(ACCOUNT_GONE);
        return change(account);
      },
      (before, after) => (rebound = sessions.rebind(accountIdentity(before), accountIdentity(after))),
    );
  } finally {
    await rebound; // the sessions on disk follow before the answer, even when saving the accounts failed
  }
}
