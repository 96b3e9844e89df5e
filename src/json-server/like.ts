import { RE2JS } from 're2js';
import { badRequest } from '../errors';

/** Tests one field's text against a client's `_like` pattern. */
export type LikeMatcher = (text: string) => boolean;

export const MAX_PATTERN_LENGTH = 200;

/**
 * Constructs a backtracking engine supports and RE2 does not, named for the 400. RE2 refuses them all; these
 * are the ones a client is likely to try, so the answer can say which one it was.
 */
const UNSUPPORTED: ReadonlyArray<[RegExp, string]> = [
  [/\(\?<?[=!]/, 'lookaround ((?=…), (?!…), (?<=…), (?<!…))'],
  [/\\[1-9]|\\k</, 'backreferences (\\1, \\k<name>)'],
  [/\(\?</, 'named groups written (?<name>…) (RE2 writes them (?P<name>…))'],
];

/**
 * Without quantifiers and alternation a pattern can match in at most one way from each start position, so a
 * backtracking engine runs it in time linear in the text (times the pattern's length, at most 200). Alternation
 * alone is not safe: `(a|a)(a|a)…b` tries 2^k ways at every position.
 */
const MAY_BACKTRACK = /[*+?{|]/;

/**
 * Compiles a `_like` pattern for a linear-time match. json-server builds `new RegExp(value, 'i')` from the query
 * and runs it over every record on the event loop; a backtracking engine can take exponential time on patterns as
 * short as `(.|.)*!`. RE2 (re2js, a pure-JavaScript port of RE2) matches in time linear in the text, whatever the
 * pattern, and refuses what it cannot do that way (lookaround, backreferences) with a 400 naming the construct.
 *
 * Patterns without quantifiers or alternation, json-server's most common uses (`title_like=server`, `^abc`,
 * `[0-9]`), cannot backtrack, so once RE2 has accepted them they run on V8's engine, which is an order of
 * magnitude faster on short strings.
 */
export function compileLike(parameter: string, pattern: unknown): LikeMatcher {
  if (typeof pattern !== 'string') throw badRequest(`"${parameter}" must be a regular expression in a string.`);
  if (pattern.length > MAX_PATTERN_LENGTH) throw badRequest(`"${parameter}" is longer than ${MAX_PATTERN_LENGTH} characters.`);
  for (const [construct, name] of UNSUPPORTED) {
    if (construct.test(pattern)) throw badRequest(`"${parameter}" uses ${name}, which filters do not support: patterns run on a linear-time engine (RE2 syntax).`);
  }
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    throw badRequest(`"${parameter}" is not a valid regular expression for RE2 (${(error as Error).message}).`);
  }
  if (!MAY_BACKTRACK.test(pattern)) {
    try {
      const native = new RegExp(pattern, 'i');
      return (text) => native.test(text);
    } catch {
      // RE2 syntax V8 does not read (\pN, \z...): RE2 runs it.
    }
  }
  return (text) => re2.matcher(text).find();
}
