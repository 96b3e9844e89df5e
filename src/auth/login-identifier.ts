import type { Request } from 'express';
import { badRequest } from '../errors';
import { accountKey, type Account } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import { requireString } from '../accounts/fields';
import { attemptAt, type Attempt } from '../throttle/attempts';

/** The field a person logs in with (README "Login by username"): `--login-field`, email unless it says username. */
export type LoginField = 'email' | 'username';

/** Who a login names: an email or a username, as typed. */
export type LoginIdentifier = { email: string; username?: never } | { username: string; email?: never };

/**
 * The identifier of a login's body: `email` or `username`, whichever is sent (both is a mistake, said as one).
 * `field` only decides what the message asks for when neither is.
 */
export function readLoginIdentifier(body: Record<string, unknown>, field: LoginField): LoginIdentifier {
  const sent = (name: string) => body[name] !== undefined && body[name] !== null && body[name] !== '';
  if (sent('email') && sent('username')) throw badRequest('Send "email" or "username", not both.');
  if (sent('username')) return { username: requireString(body, 'username') };
  if (sent('email') || field === 'email') return { email: requireString(body, 'email') };
  return { username: requireString(body, 'username') };
}

/** The account a login names, if any. */
export function findByIdentifier(accounts: AccountStore, identifier: LoginIdentifier): Promise<Account | undefined> {
  return identifier.email !== undefined ? accounts.findByEmail(identifier.email) : accounts.findByUsername(identifier.username);
}

/**
 * A password guess at an account, wherever it is typed (/auth/login by email or by username, the provider's page,
 * /auth/password, DELETE /auth/me): one account, one count (README "Rate limits"), so switching from the email to the
 * username buys no guesses. A name no account has counts under the name, as a known one would.
 */
export function loginAttempt(req: Pick<Request, 'ip'>, who: Account | LoginIdentifier): Attempt {
  return attemptAt('login', accountKey(who), req);
}

/** What a login identifier is called in the messages, as typed. */
export const identifierText = (identifier: LoginIdentifier) => identifier.email ?? identifier.username;
