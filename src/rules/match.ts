import pathToRegexp from 'path-to-regexp';
import type { AccessRule, RuleMethod } from './parse';
import type { Who } from './who';

interface CompiledRule {
  rule: AccessRule;
  /** Matches the pattern itself, as an Express route would (any letter case, optional trailing slash). */
  exact: RegExp;
  /** Matches one level below it: a rule for /posts also covers /posts/1. */
  items: RegExp;
  /** Characters outside parameters and wildcards: more of them is more specific. */
  literalLength: number;
  wildcards: number;
  order: number;
}

export interface RuleMatcher {
  /** The most specific rule for a canonical resource path, or undefined when none names it. */
  ruleFor(canonicalPath: string): AccessRule | undefined;
}

function compile(rule: AccessRule, order: number): CompiledRule {
  const base = rule.pattern.replace(/\/+$/, '') || '/';
  return {
    rule,
    exact: pathToRegexp(base, [], { end: true }),
    items: pathToRegexp(`${base === '/' ? '' : base}/:item`, [], { end: true }),
    literalLength: base.replace(/:\w+\??|\*|\(.*?\)/g, '').length,
    wildcards: (base.match(/:\w+|\*/g) ?? []).length,
    order,
  };
}

/** Compiles every rule once, at start; matching a request is then a few regular-expression tests. */
export function compileRules(rules: readonly AccessRule[]): RuleMatcher {
  const compiled = rules.map(compile);
  return {
    ruleFor(canonicalPath) {
      let best: { score: number[]; rule: AccessRule } | undefined;
      for (const candidate of compiled) {
        const level = candidate.exact.test(canonicalPath) ? 2 : candidate.items.test(canonicalPath) ? 1 : 0;
        if (level === 0) continue;
        // The most specific wins: an exact match over a covering one, then more literal text, fewer wildcards,
        // and, last, the later entry of routes.json.
        const score = [level, candidate.literalLength, -candidate.wildcards, candidate.order];
        if (!best || compareScores(score, best.score) > 0) best = { score, rule: candidate.rule };
      }
      return best?.rule;
    },
  };
}

function compareScores(a: number[], b: number[]): number {
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return a[index] - b[index];
  return 0;
}

/** Who the rule lets use `method`; HEAD is GET. Undefined when the rule does not name the method. */
export function whoMay(rule: AccessRule | undefined, method: string): readonly Who[] | undefined {
  if (!rule) return undefined;
  const ruleMethod = (method === 'HEAD' ? 'GET' : method) as RuleMethod;
  return rule.access[ruleMethod];
}
