import pathToRegexp from 'path-to-regexp';
import type { AccessRule, RuleMethod } from './parse';
import type { Who } from './who';

interface CompiledRule {
  rule: AccessRule;
  /** The pattern's path segments, without the leading slash. */
  segments: string[];
  /** Matches the pattern itself, as an Express route would (any letter case, optional trailing slash). */
  exact: RegExp;
  /** Matches one level below it: a rule for /posts also covers /posts/1. */
  items: RegExp;
  /**
   * Matches one level above it, when its last segment is a wildcard or a parameter (`/admin/*`, `/posts/:id`):
   * a rule over the items of a collection also judges the collection's list and creates.
   */
  collection?: RegExp;
  /** Characters outside parameters and wildcards: more of them is more specific. */
  literalLength: number;
  wildcards: number;
  order: number;
}

/** How a rule matches a path: an exact match beats a covering one (the path below or above the pattern). */
const enum Level {
  None = 0,
  Covers = 1,
  Exact = 2,
}

export interface RuleMatcher {
  /** The most specific rule for a canonical resource path, or undefined when none names it. */
  ruleFor(canonicalPath: string): AccessRule | undefined;
  /**
   * True when some item `/<collection>/<id>` may get another rule than `/<collection>` itself (a rule for
   * `/posts/1`, `/:resource/:id`, ...): then each record of a list, embed or expand must be judged by
   * `ruleFor('/<collection>/<id>')`. A lookup: the answer is worked out once per collection.
   */
  hasItemRules(collection: string): boolean;
  /** The rules other than the collection's own that may decide some of its items, in routes.json order. */
  itemRulesOf(collection: string): readonly AccessRule[];
}

// A whole segment that stands for any item: `*`, `:id`, `:id?`. A parameter with its own pattern, `:id(\d+)`,
// is over items too, but only over some of them.
const ANY_ITEM = /^(\*|:\w+\??)$/;
const OVER_ITEMS = /^(\*|:\w+(\(.*\))?\??)$/;
// Characters that let a pattern match across a slash: a wildcard, or a parameter's own regular expression.
const SPANS = /[*(]/;

/**
 * The pattern as the canonical paths it is matched against spell it: their ids are percent-encoded once
 * (resolve.ts), so a literal id in a rule is too. `"/tags/a b"` and `"/tags/café"` match `/tags/a%20b` and
 * `/tags/caf%C3%A9`; a segment already written encoded is not encoded twice.
 */
function encodeLiteralIds(pattern: string): string {
  return pattern
    .split('/')
    .map((segment, index) => {
      if (index < 2 || /[:*(?]/.test(segment)) return segment;
      try {
        return encodeURIComponent(decodeURIComponent(segment));
      } catch {
        return encodeURIComponent(segment);
      }
    })
    .join('/');
}

function compile(rule: AccessRule, order: number): CompiledRule {
  const base = encodeLiteralIds(rule.pattern.replace(/\/+$/, '')) || '/';
  const segments = base === '/' ? [] : base.slice(1).split('/');
  const last = segments[segments.length - 1];
  const parent = `/${segments.slice(0, -1).join('/')}`;
  return {
    rule,
    segments,
    exact: pathToRegexp(base, [], { end: true }),
    items: pathToRegexp(`${base === '/' ? '' : base}/:item`, [], { end: true }),
    collection: last !== undefined && OVER_ITEMS.test(last) && parent !== '/' ? pathToRegexp(parent, [], { end: true }) : undefined,
    literalLength: base.replace(/:\w+\??|\*|\(.*?\)/g, '').length,
    wildcards: (base.match(/:\w+|\*/g) ?? []).length,
    order,
  };
}

function levelAt(candidate: CompiledRule, path: string): Level {
  if (candidate.exact.test(path)) return Level.Exact;
  if (candidate.items.test(path) || candidate.collection?.test(path)) return Level.Covers;
  return Level.None;
}

// The most specific wins: an exact match over a covering one, then more literal text, fewer wildcards, and,
// last, the later entry of routes.json.
const scoreOf = (candidate: CompiledRule, level: Level) => [level, candidate.literalLength, -candidate.wildcards, candidate.order];

function compareScores(a: number[], b: number[]): number {
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return a[index] - b[index];
  return 0;
}

const itemPath = (collection: string, id: string) => `/${collection}/${id}`;

/**
 * The best level at which `candidate` may match some item `/<collection>/<id>`, None when it never can.
 * Patterns of plain segments are tried on an id that stands for any id; patterns that may match across a
 * slash are judged by their literal start alone, erring towards "may match".
 */
function itemLevel(candidate: CompiledRule, collection: string): Level {
  if (SPANS.test(candidate.rule.pattern)) {
    const prefix = candidate.rule.pattern.split(/[:*(]/)[0].toLowerCase();
    const start = `/${collection.toLowerCase()}/`;
    return start.startsWith(prefix) || prefix.startsWith(start) ? Level.Exact : Level.None;
  }
  // Plain segments: a parameter matches any id, a literal only itself.
  const second = candidate.segments[1];
  const probe = itemPath(collection, second === undefined || second.startsWith(':') ? 'any-id' : second);
  if (candidate.exact.test(probe)) return Level.Exact;
  return candidate.collection?.test(probe) ? Level.Covers : Level.None;
}

/** The collection's own rule covers every item unless a parameter's pattern leaves some out. */
function coversEveryItem(own: CompiledRule, collection: string): boolean {
  if (own.exact.test(`/${collection}`)) return true; // then every item is one level below it
  const last = own.segments[own.segments.length - 1];
  return last !== undefined && ANY_ITEM.test(last);
}

interface ItemRules {
  rules: AccessRule[];
  differ: boolean;
}

/** Compiles every rule once, at start; matching a request is then a few regular-expression tests. */
export function compileRules(rules: readonly AccessRule[], collections: Iterable<string> = []): RuleMatcher {
  const compiled = rules.map(compile);

  function best(path: string): { score: number[]; candidate: CompiledRule } | undefined {
    let found: { score: number[]; candidate: CompiledRule } | undefined;
    for (const candidate of compiled) {
      const level = levelAt(candidate, path);
      if (level === Level.None) continue;
      const score = scoreOf(candidate, level);
      if (!found || compareScores(score, found.score) > 0) found = { score, candidate };
    }
    return found;
  }

  function itemRulesFor(collection: string): ItemRules {
    const own = best(`/${collection}`)?.candidate;
    // What an item gets from the collection's own rule, when it gets it everywhere.
    const ownScore = own && coversEveryItem(own, collection) ? scoreOf(own, own.exact.test(`/${collection}`) ? Level.Covers : Level.Exact) : undefined;
    const others = compiled.filter((candidate) => {
      if (candidate === own) return false;
      const level = itemLevel(candidate, collection);
      return level !== Level.None && (!ownScore || compareScores(scoreOf(candidate, level), ownScore) > 0);
    });
    return { rules: others.map(({ rule }) => rule), differ: others.length > 0 || (own !== undefined && !ownScore) };
  }

  // Worked out once for the collections named at start; any other name is worked out when asked.
  const byCollection = new Map([...collections].map((collection) => [collection, itemRulesFor(collection)]));
  const itemRules = (collection: string): ItemRules => byCollection.get(collection) ?? itemRulesFor(collection);

  return {
    ruleFor: (canonicalPath) => best(canonicalPath)?.candidate.rule,
    hasItemRules: (collection) => itemRules(collection).differ,
    itemRulesOf: (collection) => itemRules(collection).rules,
  };
}

/** Who the rule lets use `method`; HEAD is GET. Undefined when the rule does not name the method. */
export function whoMay(rule: AccessRule | undefined, method: string): readonly Who[] | undefined {
  if (!rule) return undefined;
  const ruleMethod = (method === 'HEAD' ? 'GET' : method) as RuleMethod;
  return rule.access[ruleMethod];
}
