import { makeLoginThrottle, type LoginThrottle, type ThrottleVerdict } from './login-throttle';
import { DEFAULT_THROTTLE_POLICY, NO_THROTTLING, type ThrottlePolicy } from './policy';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const START = Date.UTC(2025, 0, 1);

/** A throttle over a clock the test moves by hand: `clock.now += 5 * MINUTE`. */
function throttleAt(policy: ThrottlePolicy): { throttle: LoginThrottle; clock: { now: number } } {
  const clock = { now: START };
  return { throttle: makeLoginThrottle(policy, () => clock.now), clock };
}

/** `times` failures in a row; the verdict after the last. */
function failTimes(throttle: LoginThrottle, times: number, subject = 'login:ada@example.com', address = '203.0.113.7'): ThrottleVerdict {
  let verdict: ThrottleVerdict = throttle.check(subject, address);
  for (let index = 0; index < times; index++) verdict = throttle.failed(subject, address);
  return verdict;
}

const waitOf = (verdict: ThrottleVerdict) => (verdict.allowed ? 0 : verdict.retryAfterSeconds);

/** The pair limit alone: what the address limit does is tested on its own. */
const PAIR_ONLY: ThrottlePolicy = { pair: DEFAULT_THROTTLE_POLICY.pair };
const ADDRESS_ONLY: ThrottlePolicy = { address: { failures: 5, windowMs: 15 * MINUTE } };

describe('the pair limit (one account from one address)', () => {
  it('refuses at exactly N failures, not one before, and refuses even the check of the next attempt', () => {
    const { throttle } = throttleAt(PAIR_ONLY);
    expect(failTimes(throttle, 9)).toMatchObject({ allowed: true });
    expect(throttle.failed('login:ada@example.com', '203.0.113.7')).toEqual(expect.objectContaining({ allowed: false, retryAfterSeconds: 60, by: 'pair' }));
    expect(throttle.check('login:ada@example.com', '203.0.113.7')).toMatchObject({ allowed: false, retryAfterSeconds: 60, by: 'pair' });
  });

  it('holds back only that pair: another account, or the same account from another address, goes on', () => {
    const { throttle } = throttleAt(PAIR_ONLY);
    failTimes(throttle, 10);
    expect(throttle.check('login:bob@example.com', '203.0.113.7').allowed).toBe(true);
    expect(throttle.check('login:ada@example.com', '198.51.100.1').allowed).toBe(true);
  });

  it('rounds Retry-After up to whole seconds, never to 0, and lets the attempt through when the wait ends', () => {
    const { throttle, clock } = throttleAt(PAIR_ONLY);
    failTimes(throttle, 10);
    const cases: Array<[number, number]> = [
      [1, 60], // 59.999 s left
      [SECOND - 1, 60], // 59.001 s
      [SECOND, 59],
      [MINUTE - SECOND - 1, 2], // 1.001 s
      [MINUTE - SECOND, 1],
      [MINUTE - 1, 1], // 1 ms left: still 1, not 0
    ];
    for (const [elapsed, seconds] of cases) {
      clock.now = START + elapsed;
      expect([elapsed, waitOf(throttle.check('login:ada@example.com', '203.0.113.7'))]).toEqual([elapsed, seconds]);
    }
    clock.now = START + MINUTE;
    expect(throttle.check('login:ada@example.com', '203.0.113.7').allowed).toBe(true);
  });

  it('rounds a wait that is not whole seconds up too', () => {
    const { throttle, clock } = throttleAt({ pair: { failures: 1, firstWaitMs: 1500, longestWaitMs: 10 * SECOND } });
    expect(waitOf(failTimes(throttle, 1))).toBe(2);
    clock.now += 1499;
    expect(waitOf(throttle.check('login:ada@example.com', '203.0.113.7'))).toBe(1);
  });

  it('doubles each new wait up to the longest, and no further', () => {
    const { throttle, clock } = throttleAt(PAIR_ONLY);
    const waits: number[] = [];
    for (let lockout = 0; lockout < 7; lockout++) {
      const verdict = failTimes(throttle, 10);
      waits.push(waitOf(verdict));
      clock.now += waitOf(verdict) * SECOND;
      expect(throttle.check('login:ada@example.com', '203.0.113.7').allowed).toBe(true);
    }
    expect(waits).toEqual([60, 120, 240, 480, 900, 900, 900]);
  });

  it('keeps the longest wait, a finite one, after thousands of lockouts', () => {
    const { throttle, clock } = throttleAt({ pair: { failures: 1, firstWaitMs: SECOND, longestWaitMs: 15 * MINUTE } });
    let verdict = failTimes(throttle, 1);
    for (let lockout = 1; lockout < 2000; lockout++) {
      clock.now += waitOf(verdict) * SECOND;
      verdict = failTimes(throttle, 1);
    }
    expect(verdict).toMatchObject({ allowed: false, retryAfterSeconds: 900 });
    expect(verdict.headers.RateLimit).toContain('"failures-per-account";r=0;t=900');
  });

  it('forgets a pair quiet for the longest wait after its wait ended: the next lockout is the first wait again', () => {
    const { throttle, clock } = throttleAt(PAIR_ONLY);
    failTimes(throttle, 10);
    const waitEnds = START + MINUTE;
    clock.now = waitEnds + 15 * MINUTE; // quiet for exactly the longest wait: still remembered
    expect(waitOf(failTimes(throttle, 10))).toBe(120);
    clock.now += 2 * MINUTE + 15 * MINUTE + 1; // one millisecond longer: forgotten
    expect(waitOf(failTimes(throttle, 10))).toBe(60);
  });

  it('forgets failures short of a lockout once quiet for the longest wait', () => {
    const { throttle, clock } = throttleAt(PAIR_ONLY);
    failTimes(throttle, 9);
    clock.now += 15 * MINUTE + 1;
    expect(failTimes(throttle, 9).allowed).toBe(true);
    clock.now += 15 * MINUTE;
    expect(failTimes(throttle, 1).allowed).toBe(false); // 9 + 1 within the longest wait of each other
  });

  it('starts the count again after a success, lockouts included', () => {
    const { throttle, clock } = throttleAt(PAIR_ONLY);
    failTimes(throttle, 10);
    clock.now += MINUTE;
    failTimes(throttle, 9);
    throttle.succeeded('login:ada@example.com', '203.0.113.7');
    expect(failTimes(throttle, 9).allowed).toBe(true);
    expect(waitOf(failTimes(throttle, 1))).toBe(60); // the first wait, not the second
  });
});

describe('the address limit (one address, whatever the account)', () => {
  const failAs = (throttle: LoginThrottle, count: number, address = '203.0.113.7') =>
    Array.from({ length: count }, (_, index) => throttle.failed(`login:user${index}@example.com`, address)).at(-1)!;

  it('after N failures within the window, refuses every account from that address until the window ends', () => {
    const { throttle, clock } = throttleAt(ADDRESS_ONLY);
    clock.now = START;
    failAs(throttle, 1);
    clock.now = START + 10 * MINUTE;
    expect(failAs(throttle, 3).allowed).toBe(true);
    expect(throttle.failed('login:last@example.com', '203.0.113.7')).toMatchObject({ allowed: false, by: 'address', retryAfterSeconds: 300 });
    expect(throttle.check('login:new@example.com', '203.0.113.7')).toMatchObject({ allowed: false, by: 'address', retryAfterSeconds: 300 });
    expect(throttle.check('login:new@example.com', '198.51.100.1').allowed).toBe(true);
    clock.now = START + 15 * MINUTE - 1;
    expect(waitOf(throttle.check('login:new@example.com', '203.0.113.7'))).toBe(1);
    clock.now = START + 15 * MINUTE;
    expect(throttle.check('login:new@example.com', '203.0.113.7').allowed).toBe(true);
  });

  it('does not add up failures spread over two windows', () => {
    const { throttle, clock } = throttleAt(ADDRESS_ONLY);
    failAs(throttle, 4);
    clock.now += 15 * MINUTE; // the first window is over
    expect(failAs(throttle, 4).allowed).toBe(true);
    expect(throttle.failed('login:fifth@example.com', '203.0.113.7').allowed).toBe(false);
  });

  it('takes back only the failure a begun attempt was counted as: a success leaves the other failures counted', () => {
    const { throttle } = throttleAt(ADDRESS_ONLY);
    failAs(throttle, 4);
    expect(throttle.begin('login:user0@example.com', '203.0.113.7').allowed).toBe(true);
    throttle.succeeded('login:user0@example.com', '203.0.113.7');
    expect(throttle.failed('login:user9@example.com', '203.0.113.7').allowed).toBe(false);
  });

  it('slides: failures just before a window would end and just after it add up (no burst at the boundary)', () => {
    const { throttle, clock } = throttleAt(ADDRESS_ONLY);
    failTimes(throttle, 1, 'login:a@example.com');
    clock.now += 14 * MINUTE + 54 * SECOND;
    expect(failTimes(throttle, 4, 'login:b@example.com')).toMatchObject({ allowed: false, by: 'address', retryAfterSeconds: 6 });
    clock.now += 12 * SECOND; // the first failure has left the window: one more try, and the window is full again
    expect(throttle.check('login:c@example.com', '203.0.113.7').allowed).toBe(true);
    expect(failTimes(throttle, 1, 'login:c@example.com')).toMatchObject({ allowed: false, retryAfterSeconds: 15 * 60 - 12 }); // until the four of 14:54 leave;
  });
});

describe('a burst sent all at once', () => {
  it('is held to the same count: each begun attempt is counted before any password is checked', () => {
    const { throttle } = throttleAt(DEFAULT_THROTTLE_POLICY);
    const begun = Array.from({ length: 50 }, () => throttle.begin('login:ada@example.com', '203.0.113.7').allowed);
    expect(begun.filter(Boolean)).toHaveLength(10);
    // One of the ten was the right password: the pair starts again, but the other nine were failures all the same.
    throttle.succeeded('login:ada@example.com', '203.0.113.7');
    expect(throttle.check('login:ada@example.com', '203.0.113.7').allowed).toBe(true);
  });

  it('is held to the address count across accounts too', () => {
    const { throttle } = throttleAt(ADDRESS_ONLY);
    const begun = Array.from({ length: 20 }, (_, index) => throttle.begin(`login:user${index}@example.com`, '203.0.113.7').allowed);
    expect(begun.filter(Boolean)).toHaveLength(5);
  });
});

describe('which limit holds an attempt back', () => {
  const policy: ThrottlePolicy = { pair: { failures: 3, firstWaitMs: MINUTE, longestWaitMs: 15 * MINUTE }, address: { failures: 5, windowMs: 15 * MINUTE } };

  it('names the pair when only the pair waits, and the address when its wait is the longer', () => {
    const { throttle } = throttleAt(policy);
    expect(failTimes(throttle, 3)).toMatchObject({ allowed: false, by: 'pair', retryAfterSeconds: 60 });
    expect(throttle.check('login:bob@example.com', '203.0.113.7').allowed).toBe(true);
    failTimes(throttle, 2, 'login:bob@example.com');
    expect(throttle.check('login:ada@example.com', '203.0.113.7')).toMatchObject({ allowed: false, by: 'address', retryAfterSeconds: 900 });
    expect(throttle.check('login:carol@example.com', '203.0.113.7')).toMatchObject({ allowed: false, by: 'address', retryAfterSeconds: 900 });
  });

  it('names the pair when its wait is the longer', () => {
    const { throttle, clock } = throttleAt({ ...policy, address: { failures: 4, windowMs: 2 * MINUTE } });
    failTimes(throttle, 1, 'login:bob@example.com');
    clock.now += 90 * SECOND;
    expect(failTimes(throttle, 3)).toMatchObject({ allowed: false, by: 'pair', retryAfterSeconds: 60 }); // the address waits 30 s
  });
});

describe('off', () => {
  /** 500 failures of one account from one address, more than any pair limit here. */
  const onePair = (throttle: LoginThrottle) => Array.from({ length: 500 }, () => throttle.failed('login:ada@example.com', '198.51.100.1'));
  /** 500 accounts failing from one address, more than any address limit here. */
  const oneAddress = (throttle: LoginThrottle) => Array.from({ length: 500 }, (_, index) => throttle.failed(`login:user${index}@example.com`, '203.0.113.7'));

  it.each<[string, ThrottlePolicy, Array<(throttle: LoginThrottle) => ThrottleVerdict[]>]>([
    ['everything off', NO_THROTTLING, [onePair, oneAddress]],
    ['the pair limit off', { address: { failures: 1000, windowMs: MINUTE } }, [onePair]],
    ['the address limit off', PAIR_ONLY, [oneAddress]],
  ])('%s: never refuses what that limit would', (_, policy, floods) => {
    const { throttle } = throttleAt(policy);
    const refused = floods.flatMap((flood) => flood(throttle)).filter((verdict) => !verdict.allowed);
    expect(refused).toEqual([]);
  });

  it('sets no RateLimit headers and remembers nothing when everything is off', () => {
    const { throttle } = throttleAt(NO_THROTTLING);
    expect(failTimes(throttle, 50)).toEqual({ allowed: true, headers: {} });
    expect(throttle.size()).toBe(0);
  });
});

describe('memory', () => {
  const address = (index: number) => `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;

  it('stays within 50,000 pairs and 10,000 addresses under 100,000 emails from 100,000 addresses', () => {
    const { throttle } = throttleAt(DEFAULT_THROTTLE_POLICY);
    let largest = 0;
    for (let index = 0; index < 100_000; index++) {
      throttle.failed(`login:user${index}@example.com`, address(index));
      if (index % 500 === 0) largest = Math.max(largest, throttle.size());
    }
    expect(largest).toBeLessThanOrEqual(60_000);
    expect(throttle.size()).toBe(60_000); // filled up to the caps: the bound is what held it
  });

  it('stops a flood of emails from one address at the address limit (each attempt checked first, as the routes do)', () => {
    const { throttle } = throttleAt(DEFAULT_THROTTLE_POLICY);
    let counted = 0;
    for (let index = 0; index < 100_000; index++) {
      const subject = `login:user${index}@example.com`;
      if (!throttle.check(subject, '203.0.113.7').allowed) continue;
      throttle.failed(subject, '203.0.113.7');
      counted += 1;
    }
    expect(counted).toBe(100);
    expect(throttle.size()).toBe(101); // 100 pairs and the address
  });
});

describe('clear()', () => {
  it('forgets every count and wait', () => {
    const { throttle } = throttleAt({ ...PAIR_ONLY, address: { failures: 10, windowMs: 15 * MINUTE } });
    failTimes(throttle, 10);
    failTimes(throttle, 10, 'login:bob@example.com', '198.51.100.1');
    expect(throttle.size()).toBe(4);
    throttle.clear();
    expect(throttle.size()).toBe(0);
    expect(throttle.check('login:ada@example.com', '203.0.113.7').allowed).toBe(true);
    expect(failTimes(throttle, 9).allowed).toBe(true);
  });
});
