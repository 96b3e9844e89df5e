import { RE2JS } from 're2js';
import { badRequest } from '../errors';

/** A client's `_like` pattern, compiled: `test` one field's text; matching it costs `costPerChar` units a character. */
export interface LikeMatcher {
  test(text: string): boolean;
  costPerChar: number;
}

export const MAX_PATTERN_LENGTH = 200;
// RE2's time is linear in the text, times the size of the compiled program (re2js simulates the automaton one
// instruction at a time: `[a-z]{1000}b` is 1003 instructions, 4.7 s over 100 KB). The program is capped, and so are
// counted repeats, whose compilation alone is costly.
const MAX_PROGRAM_SIZE = 100;
const MAX_REPEAT = 100;
// V8 runs a pattern without quantifiers or alternation about 80 times faster per instruction than re2js.
const NATIVE_SPEEDUP = 80;

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
  const cached = compiled.get(pattern);
  if (cached) return cached;
  const matcher = compileUncached(parameter, pattern);
  if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
  compiled.set(pattern, matcher);
  return matcher;
}

const CACHE_SIZE = 200;
const compiled = new Map<string, LikeMatcher>();

function compileUncached(parameter: string, pattern: string): LikeMatcher {
  if (pattern.length > MAX_PATTERN_LENGTH) throw badRequest(`"${parameter}" is longer than ${MAX_PATTERN_LENGTH} characters.`);
  for (const [construct, name] of UNSUPPORTED) {
    if (construct.test(pattern))
      throw badRequest(`"${parameter}" uses ${name}, which filters do not support: patterns run on a linear-time engine (RE2 syntax).`);
  }
  for (const [, min, max] of pattern.matchAll(/\{\s*(\d+)|,\s*(\d+)\s*\}/g)) {
    if (Number(min ?? max) > MAX_REPEAT) throw badRequest(`"${parameter}" repeats something more than ${MAX_REPEAT} times; use * or + instead.`);
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
      return { test: (text) => native.test(text), costPerChar: Math.max(1, pattern.length) / NATIVE_SPEEDUP };
    } catch {
      // RE2 syntax V8 does not read (\pN, \z...): RE2 runs it.
    }
  }
  const size = re2.programSize();
  if (size > MAX_PROGRAM_SIZE)
    throw badRequest(`"${parameter}" is too complex to run over every record (${size} steps for each character; at most ${MAX_PROGRAM_SIZE}); simplify it.`);
  return { test: (text) => re2.matcher(text).find(), costPerChar: size };
}

/**
 * What one request's `_like` filters may spend, in characters times steps per character: about half a second of
 * the event loop at worst (re2js takes ~25 ns a step), and room for a 20-step pattern over 1.5 MB of text. Past
 * it the request is a 400: the server stays responsive whatever the data and the pattern.
 */
export const LIKE_BUDGET = 30_000_000;
