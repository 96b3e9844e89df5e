import { LRUCache } from 'lru-cache';
import { isThrottling, type ThrottlePolicy } from './policy';
import { rateLimitHeaders } from './rate-limit-headers';

/** Whether an attempt may go on; when it may not, how long until it may (whole seconds, at least 1). */
export type ThrottleVerdict =
  | { allowed: true; headers: Record<string, string> }
  /** `by`: which limit holds the attempt back (the longer wait when both do). */
  | { allowed: false; retryAfterSeconds: number; by: 'pair' | 'address'; headers: Record<string, string> };

/**
 * Counts failed password attempts (README "Rate limits"). `subject` names what was guessed at — `login:<email>`,
 * `client:<client_id>` — and `address` who guessed (client-address.ts). Check before the password is looked at
 * (during a wait even the right one is refused: otherwise the limit would confirm a guess); report the outcome after.
 */
export interface LoginThrottle {
  readonly policy: ThrottlePolicy;
  check(subject: string, address: string): ThrottleVerdict;
  /**
   * An attempt starts: when it may, it is counted as a failure at once, before its password is checked, so that
   * attempts sent all at once cannot all pass the check before any is counted; succeeded() takes it back.
   */
  begin(subject: string, address: string): ThrottleVerdict;
  /** Records a failure; the verdict for the next attempt (this one may have started a wait). */
  failed(subject: string, address: string): ThrottleVerdict;
  /** A begun attempt succeeded: that pair's count starts again, and the address's failure it was counted as is taken back. */
  succeeded(subject: string, address: string): void;
  /**
   * Runs the attempts of one subject from one address one after another: each is counted before the next is
   * checked, so a burst sent all at once is held to the same count, and parallel right passwords all get in (in turn).
   */
  inTurn<T>(subject: string, address: string, task: () => Promise<T>): Promise<T>;
  /** /__reset and reset(): every count and wait forgotten. */
  clear(): void;
  /** How many pairs and addresses are remembered: bounded, whatever the flood. */
  size(): number;
}

interface PairRecord {
  failures: number;
  lockouts: number;
  /** Milliseconds since the epoch; 0 when not waiting. */
  waitUntil: number;
  lastFailureAt: number;
}

interface AddressRecord {
  /** When each failure within the window happened, oldest first: a sliding window, at most the limit long. */
  failures: number[];
  waitUntil: number;
}

// The most pairs and addresses remembered; the least recently seen are forgotten first (lru-cache). A flood of
// random emails from one address stops at its address limit long before; this bounds many addresses too.
const MAX_PAIRS = 50_000;
const MAX_ADDRESSES = 10_000;

const secondsUntil = (time: number, now: number) => Math.max(1, Math.ceil((time - now) / 1000));

/** Consecutive failures of one subject from one address, and the doubling waits they earn. */
function pairCounter(limit: ThrottlePolicy['pair']) {
  const pairs = new LRUCache<string, PairRecord>({ max: MAX_PAIRS });
  /** The record, forgotten once quiet for the longest wait after its last failure or wait. */
  function find(key: string, time: number): PairRecord | undefined {
    const record = pairs.get(key);
    if (!record || !limit || time - Math.max(record.lastFailureAt, record.waitUntil) <= limit.longestWaitMs) return record;
    pairs.delete(key);
    return undefined;
  }
  function count(key: string, time: number): void {
    if (!limit) return;
    const record = find(key, time) ?? { failures: 0, lockouts: 0, waitUntil: 0, lastFailureAt: time };
    record.failures += 1;
    record.lastFailureAt = time;
    if (record.failures >= limit.failures) {
      record.lockouts += 1;
      record.failures = 0;
      record.waitUntil = time + Math.min(limit.firstWaitMs * 2 ** Math.min(record.lockouts - 1, 30), limit.longestWaitMs);
    }
    pairs.set(key, record);
  }
  return { find, count, forget: (key: string) => void pairs.delete(key), clear: () => pairs.clear(), size: () => pairs.size };
}

/** Failures from one address within a sliding window, whatever the subject. */
function addressCounter(limit: ThrottlePolicy['address']) {
  const addresses = new LRUCache<string, AddressRecord>({ max: MAX_ADDRESSES });
  function find(address: string, time: number): AddressRecord | undefined {
    const record = addresses.get(address);
    if (!record || !limit) return record;
    record.failures = record.failures.filter((at) => time - at < limit.windowMs);
    if (record.failures.length > 0 || record.waitUntil > time) return record;
    addresses.delete(address);
    return undefined;
  }
  function count(address: string, time: number): void {
    if (!limit) return;
    const record = find(address, time) ?? { failures: [], waitUntil: 0 };
    record.failures.push(time);
    // The window slides: the address may try again once the oldest of its last `limit` failures is a window old.
    if (record.failures.length >= limit.failures) record.waitUntil = record.failures[record.failures.length - limit.failures] + limit.windowMs;
    record.failures = record.failures.slice(-limit.failures);
    addresses.set(address, record);
  }
  /** A failure counted in advance that was a success after all. */
  function takeBack(address: string, time: number): void {
    const record = limit && find(address, time);
    if (!record) return;
    record.failures.pop();
    if (record.failures.length < limit.failures) record.waitUntil = 0;
  }
  return { find, count, takeBack, clear: () => addresses.clear(), size: () => addresses.size };
}

/** `now`: milliseconds since the epoch, the server's clock (tests move it through the waits without sleeping). */
export function makeLoginThrottle(policy: ThrottlePolicy, now: () => number): LoginThrottle {
  if (!isThrottling(policy)) {
    const open: ThrottleVerdict = { allowed: true, headers: {} };
    const inTurn = <T>(_subject: string, _address: string, task: () => Promise<T>) => task();
    return { policy, check: () => open, begin: () => open, failed: () => open, succeeded: () => undefined, inTurn, clear: () => undefined, size: () => 0 };
  }
  const pairs = pairCounter(policy.pair);
  const addresses = addressCounter(policy.address);
  const pairKey = (subject: string, address: string) => `${subject}\u0000${address}`;
  /** The last attempt queued for each pair, while one runs: as many entries as requests in flight. */
  const turns = new Map<string, Promise<unknown>>();

  function verdict(subject: string, address: string, time: number): ThrottleVerdict {
    const pair = pairs.find(pairKey(subject, address), time);
    const byAddress = addresses.find(address, time);
    const pairWait = pair?.waitUntil ?? 0;
    const waitUntil = Math.max(pairWait, byAddress?.waitUntil ?? 0);
    const headers = rateLimitHeaders(policy, { pair, address: byAddress, now: time });
    if (waitUntil <= time) return { allowed: true, headers };
    return { allowed: false, retryAfterSeconds: secondsUntil(waitUntil, time), by: pairWait === waitUntil ? 'pair' : 'address', headers };
  }

  function failed(subject: string, address: string): ThrottleVerdict {
    const time = now();
    pairs.count(pairKey(subject, address), time);
    addresses.count(address, time);
    return verdict(subject, address, time);
  }

  return {
    policy,
    check: (subject, address) => verdict(subject, address, now()),
    begin(subject, address) {
      const before = verdict(subject, address, now());
      if (!before.allowed) return before;
      const after = failed(subject, address);
      return { allowed: true, headers: after.headers };
    },
    failed,
    inTurn(subject, address, task) {
      const key = pairKey(subject, address);
      const result = (turns.get(key) ?? Promise.resolve()).then(task);
      const done = result.catch(() => undefined);
      turns.set(key, done);
      void done.then(() => turns.get(key) === done && turns.delete(key));
      return result;
    },
    succeeded(subject, address) {
      pairs.forget(pairKey(subject, address));
      addresses.takeBack(address, now());
    },
    clear() {
      pairs.clear();
      addresses.clear();
    },
    size: () => pairs.size() + addresses.size(),
  };
}
