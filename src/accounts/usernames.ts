import { badRequest } from '../errors';
import { requireString } from './fields';
import { hiddenCharacterProblem, ONE_SCRIPT_ADVICE, scriptMix } from './visible-text';

/**
 * How usernames are compared (README "Login by username"): as emails are, NFKC and lower case, so `ALICE` or `Ａlice`
 * typed at login finds alice. That alone keeps an invisible character or a Cyrillic а apart from `alice`, so a name
 * is also refused when it could pass for another (usernameLookalikeProblem): with both, two accounts never hold names
 * drawn alike by mixing scripts or hiding characters. (Look-alikes inside one script, `alice` and `aIice` in a font
 * where l and I agree, are not told apart: that takes Unicode's confusables table.)
 */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

const MAX_USERNAME_LENGTH = 64;
// Letters and digits of any script with their marks (Hindi's vowel signs, an accent no precomposed letter has), then
// also `.`, `_` and `-`: no spaces, no `@` (a username is never an email, so one login field can never name two
// accounts), and a mark only on a letter or digit, never on punctuation.
const USERNAME = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}]|[._-](?!\p{M}))*$/u;

/**
 * Why `username` could pass for another name (an invisible or blank character, İ, letters of two scripts), worded
 * to follow `"username"`; else undefined. Checked for every name a request sets, and for each one users.json holds.
 */
export function usernameLookalikeProblem(username: string): string | undefined {
  const hidden = hiddenCharacterProblem(username);
  if (hidden !== undefined) return hidden;
  const mix = scriptMix(username);
  return mix === undefined ? undefined : `must be in one script, and ${mix}: ${ONE_SCRIPT_ADVICE}`;
}

/**
 * The `username` a registration or a profile change sets, refused with what is wrong and what to type instead. It
 * must already be in its plain form (NFKC): `ⅰalice`, full-width letters, ligatures or an accent typed apart are one
 * name with `ialice`, `alice`, `é` at login, and are stored and shown as sent, so one name gets one spelling. (A
 * client that lets people type anything sends `name.normalize('NFKC')`.)
 */
export function requireUsername(body: Record<string, unknown>): string {
  const username = requireString(body, 'username').trim();
  const lookalike = usernameLookalikeProblem(username);
  if (lookalike !== undefined) throw badRequest(`"username" ${lookalike}.`);
  const plain = username.normalize('NFKC');
  if ([...username].length > MAX_USERNAME_LENGTH || !USERNAME.test(plain))
    throw badRequest(`"username" must be 1 to ${MAX_USERNAME_LENGTH} letters, digits, ".", "_" or "-", starting with a letter or digit, like alice_92.`);
  if (plain !== username)
    throw badRequest(
      `"username" must be sent in its plain (NFKC) form "${plain}": full-width letters, ligatures, letter-like signs and separate accents each have one.`,
    );
  return username;
}
