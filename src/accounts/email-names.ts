import { hiddenCharacterProblem, ONE_SCRIPT_ADVICE, scriptMix } from './visible-text';

/**
 * Why an email address is refused as a look-alike of another (README "Accounts"), worded to follow `"email"`; else
 * undefined. Emails are compared in NFKC and lower case (accounts-file.ts emailKey), which makes `Ａlice@` and
 * `alice@` one address, but keeps an invisible character, a Hangul filler or a Cyrillic а: those would make a second
 * account whose token's `email` is drawn like the first one's. So, in the whole address, no invisible or blank
 * character (visible-text.ts); and the local part, and each label of the domain, in one script. An IDN domain
 * (`bücher.de`, `пример.рф`) keeps working: registries already hold each label to one script, and so does this check.
 */
export function emailLookalikeProblem(email: string): string | undefined {
  const hidden = hiddenCharacterProblem(email);
  if (hidden !== undefined) return hidden;
  const at = email.lastIndexOf('@');
  for (const part of [email.slice(0, at), ...email.slice(at + 1).split('.')]) {
    const mix = scriptMix(part);
    if (mix !== undefined) return `must keep the part before the @, and each label of the domain, to one script, and ${mix}: ${ONE_SCRIPT_ADVICE}`;
  }
  return undefined;
}
