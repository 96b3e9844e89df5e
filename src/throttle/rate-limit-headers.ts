import type { ThrottlePolicy } from './policy';

interface Counts {
  pair?: { failures: number; waitUntil: number };
  address?: { failures: readonly number[]; waitUntil: number };
  now: number;
}

/**
 * The RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers (structured fields: a named
 * policy, its quota `q` and window `w` in seconds; what `r`emains and in how many seconds `t` it resets), so a
 * client can show a countdown. The quota is of failures: successes never use it up.
 */
export function rateLimitHeaders(policy: ThrottlePolicy, { pair, address, now }: Counts): Record<string, string> {
  const policies: string[] = [];
  const states: string[] = [];
  if (policy.pair) {
    policies.push(`"failures-per-account";q=${policy.pair.failures}`);
    const waiting = pair !== undefined && pair.waitUntil > now;
    const remaining = waiting ? 0 : policy.pair.failures - (pair?.failures ?? 0);
    states.push(`"failures-per-account";r=${remaining}${waiting ? `;t=${Math.ceil((pair.waitUntil - now) / 1000)}` : ''}`);
  }
  if (policy.address) {
    const windowSeconds = Math.round(policy.address.windowMs / 1000);
    policies.push(`"failures-per-address";q=${policy.address.failures};w=${windowSeconds}`);
    // t: when the oldest failure in the window leaves it (or the wait ends), giving a failure back.
    const oldest = address?.failures[0];
    const resetAt = Math.max(oldest === undefined ? now + policy.address.windowMs : oldest + policy.address.windowMs, address?.waitUntil ?? 0);
    const reset = Math.max(0, Math.ceil((resetAt - now) / 1000));
    states.push(`"failures-per-address";r=${Math.max(0, policy.address.failures - (address?.failures.length ?? 0))};t=${reset}`);
  }
  return policies.length === 0 ? {} : { 'RateLimit-Policy': policies.join(', '), RateLimit: states.join(', ') };
}
