/**
 * Tokens whose signature and claims have verified, so that each one is checked with the public key once rather than
 * on every request (an RS256 check costs ~33 µs, against ~4 µs for HS256). Only that check is remembered: the
 * session, the revocation list and the account are still looked at on every request (authenticate.ts).
 *
 * Keyed by the exact token string, never by its signature alone: base64url text is malleable (a signature's last
 * character may change without changing its bytes, RFC 4648 §3.5), and a header or payload can change under the same
 * signature. Any token that differs in one character from a verified one is verified afresh.
 */
export interface VerifiedEntry<T> {
  value: T;
  /** Seconds: the entry is good from this time on (the token's `iat` less the clock tolerance)... */
  validFrom: number;
  /** ...and until this one, excluded (its `exp` plus the tolerance): as a fresh verification decides. */
  validUntil: number;
}

export interface VerifiedCache<T> {
  /** What was remembered of a token verified before, when it would still verify at `nowSeconds`. */
  get(token: string, nowSeconds: number): T | undefined;
  remember(token: string, entry: VerifiedEntry<T>): void;
  readonly size: number;
}

/** A few thousand live tokens: every tab of every user of a fake backend, at a few MB at most. */
export const VERIFIED_CACHE_CAPACITY = 4096;

/** A least-recently-used map (a Map keeps insertion order: a hit moves its entry to the end, the oldest goes first). */
export function makeVerifiedCache<T>(capacity = VERIFIED_CACHE_CAPACITY): VerifiedCache<T> {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`verified-token cache: capacity ${capacity} is not a positive integer`);
  const entries = new Map<string, VerifiedEntry<T>>();

  function get(token: string, nowSeconds: number): T | undefined {
    const entry = entries.get(token);
    if (entry === undefined) return undefined;
    entries.delete(token);
    if (nowSeconds >= entry.validUntil) return undefined;
    entries.set(token, entry);
    // A clock set back before the token's iat (tests move time) gets the fresh check's answer, without forgetting.
    return nowSeconds < entry.validFrom ? undefined : entry.value;
  }

  function remember(token: string, entry: VerifiedEntry<T>): void {
    entries.delete(token);
    entries.set(token, entry);
    if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
  }

  return {
    get,
    remember,
    get size() {
      return entries.size;
    },
  };
}
