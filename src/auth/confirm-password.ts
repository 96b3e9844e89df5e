import type { Request, Response } from 'express';
import type { Account } from '../accounts/accounts-file';
import { verifyPassword } from '../accounts/passwords';
import { forbidden } from '../errors';
import { throttledCheck } from '../throttle/attempts';
import type { LoginThrottle } from '../throttle/login-throttle';
import { loginAttempt } from './login-identifier';

/** The refusal of a wrong `currentPassword`, wherever a change asks for it (POST /auth/password, PATCH /auth/me). */
export const WRONG_CURRENT_PASSWORD = '"currentPassword" is not this account\'s password.';

/**
 * The caller's password, typed again for what a token alone must not do (change the password or a login name,
 * delete the account): a token thief guessing it here counts as one guessing at the login, the same account, one
 * count (README "Rate limits"); a 429 once the guesses are used up, even for the right password. A wrong one is a
 * 403 with `refusal`, not a 401: the token is good, and a client that treats 401 as "log in again" would drop the user.
 */
export async function confirmPassword(
  throttle: LoginThrottle,
  req: Request,
  res: Response,
  account: Account,
  password: string,
  refusal = WRONG_CURRENT_PASSWORD,
): Promise<void> {
  const matches = await throttledCheck(throttle, res, loginAttempt(req, account), () => verifyPassword(password, account.password));
  if (!matches) throw forbidden(refusal);
}
