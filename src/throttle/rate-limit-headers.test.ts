import { DEFAULT_THROTTLE_POLICY, NO_THROTTLING, type ThrottlePolicy } from './policy';
import { rateLimitHeaders } from './rate-limit-headers';

const NOW = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

/**
 * A structured-field List (RFC 9651 §3.1) whose members are Strings with Integer parameters, the shape
 * draft-ietf-httpapi-ratelimit-headers gives RateLimit and RateLimit-Policy: `"name";q=10;w=900, "other";r=3`.
 * Undefined when the text is not that.
 */
function parseList(text: string): Array<{ name: string; params: Record<string, number> }> | undefined {
  const members = text.split(/[ \t]*,[ \t]*/);
  const parsed = members.map((member) => {
    const match = /^"([\x20\x21\x23-\x5b\x5d-\x7e]*)"((?:;[a-z*][a-z0-9_.*-]*=-?\d{1,15})*)$/.exec(member);
    if (!match) return undefined;
    const params = match[2]
      .split(';')
      .slice(1)
      .map((param) => param.split('='));
    const keys = params.map(([key]) => key);
    if (new Set(keys).size !== keys.length) return undefined;
    return { name: match[1], params: Object.fromEntries(params.map(([key, value]) => [key, Number(value)])) };
  });
  return parsed.every((member) => member !== undefined) ? parsed : undefined;
}

describe('rateLimitHeaders', () => {
  it('names both limits in RateLimit-Policy, with the quota q, and the window w in seconds for the address', () => {
    const headers = rateLimitHeaders(DEFAULT_THROTTLE_POLICY, { now: NOW });
    expect(headers['RateLimit-Policy']).toBe('"failures-per-account";q=10, "failures-per-address";q=100;w=900');
    expect(parseList(headers['RateLimit-Policy'])).toEqual([
      { name: 'failures-per-account', params: { q: 10 } },
      { name: 'failures-per-address', params: { q: 100, w: 900 } },
    ]);
  });

  it('gives the whole quota remaining, and the address window as its reset, before any failure', () => {
    expect(parseList(rateLimitHeaders(DEFAULT_THROTTLE_POLICY, { now: NOW }).RateLimit)).toEqual([
      { name: 'failures-per-account', params: { r: 10 } },
      { name: 'failures-per-address', params: { r: 100, t: 900 } },
    ]);
  });

  it('counts the failures down in r, and gives in t when the oldest failure of the address leaves its window (rounded up)', () => {
    const headers = rateLimitHeaders(DEFAULT_THROTTLE_POLICY, {
      pair: { failures: 3, waitUntil: 0 },
      address: { failures: [NOW - 5 * MINUTE - 500, ...Array<number>(39).fill(NOW)], waitUntil: 0 },
      now: NOW,
    });
    expect(headers.RateLimit).toBe('"failures-per-account";r=7, "failures-per-address";r=60;t=600');
    expect(parseList(headers.RateLimit)).toBeDefined();
  });

  it('gives r=0 and the seconds left of the wait (rounded up) in t while a pair or an address waits', () => {
    const headers = rateLimitHeaders(DEFAULT_THROTTLE_POLICY, {
      pair: { failures: 0, waitUntil: NOW + 90_001 },
      address: { failures: [NOW - 14 * MINUTE, ...Array<number>(99).fill(NOW)], waitUntil: NOW + MINUTE },
      now: NOW,
    });
    expect(parseList(headers.RateLimit)).toEqual([
      { name: 'failures-per-account', params: { r: 0, t: 91 } },
      { name: 'failures-per-address', params: { r: 0, t: 60 } },
    ]);
  });

  it('never gives a negative r, even past the quota', () => {
    const headers = rateLimitHeaders(DEFAULT_THROTTLE_POLICY, { address: { failures: Array<number>(150).fill(NOW), waitUntil: NOW + 15 * MINUTE }, now: NOW });
    expect(parseList(headers.RateLimit)?.[1]).toEqual({ name: 'failures-per-address', params: { r: 0, t: 900 } });
  });

  it.each<[string, ThrottlePolicy, string[]]>([
    ['the pair limit alone', { pair: DEFAULT_THROTTLE_POLICY.pair }, ['failures-per-account']],
    ['the address limit alone', { address: DEFAULT_THROTTLE_POLICY.address }, ['failures-per-address']],
  ])('names %s only', (_, policy, names) => {
    const headers = rateLimitHeaders(policy, { now: NOW });
    expect(parseList(headers['RateLimit-Policy'])?.map((member) => member.name)).toEqual(names);
    expect(parseList(headers.RateLimit)?.map((member) => member.name)).toEqual(names);
  });

  it('(the parser above rejects what is not such a list)', () => {
    for (const text of ['failures;r=1', '"a";r=1;r=2', '"a";R=1', '"a";r=1.5', '"a" "b"', '"a";r=1,']) expect(parseList(text)).toBeUndefined();
  });

  it('sets no header when nothing is throttled', () => {
    expect(rateLimitHeaders(NO_THROTTLING, { now: NOW })).toEqual({});
  });
});
