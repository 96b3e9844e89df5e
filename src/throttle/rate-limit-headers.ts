import type { ThrottlePolicy } from './policy';

interface Counts {
  pair?: { failures: number; waitUntil: number };
  address?: { windowStart: number; failures: number; waitUntil: number };
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
    const reset = address ? Math.max(0, Math.ceil((Math.max(address.windowStart + policy.address.windowMs, address.waitUntil) - now) / 1000)) : windowSeconds;
    states.push(`"failures-per-address";r=${Math.max(0, policy.address.failures - (address?.failures ?? 0))};t=${reset}`);
  }
  return policies.length === 0 ? {} : { 'RateLimit-Policy': policies.join(', '), RateLimit: states.join(', ') };
}
