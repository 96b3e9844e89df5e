import { badRequest } from '../errors';
import { requireString } from './fields';

/**
 * How usernames are compared (README "Login by username"): as emails are, NFKC first, so `Ａlice`, `alice` and
 * `ALICE` are one name, and two accounts can never hold look-alikes of one name.
 */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

const MAX_USERNAME_LENGTH = 64;
// Letters and digits of any script, then also `.`, `_` and `-`: no spaces, no `@` (a username is never an email,
// so one login field can never name two accounts), no invisible or control characters (look-alikes, log lines).
const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}._-]*$/u;

/** The `username` a registration or a profile change sets: checked as typed and as compared. */
export function requireUsername(body: Record<string, unknown>): string {
  const username = requireString(body, 'username').trim();
  const key = usernameKey(username);
  if ([...username].length > MAX_USERNAME_LENGTH || !USERNAME.test(username) || !USERNAME.test(key))
    throw badRequest(`"username" must be 1 to ${MAX_USERNAME_LENGTH} letters, digits, ".", "_" or "-", starting with a letter or digit, like alice_92.`);
  return username;
}
