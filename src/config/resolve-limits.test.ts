import { ConfigError } from '../errors';
import { DEFAULT_THROTTLE_POLICY, NO_THROTTLING } from '../throttle/policy';
import { resolveLimits, resolveThrottle, resolveTrustProxy } from './resolve-limits';

const MINUTE = 60_000;
const DEFAULT_PAIR = DEFAULT_THROTTLE_POLICY.pair;
const DEFAULT_ADDRESS = DEFAULT_THROTTLE_POLICY.address;

/** The ConfigError a call throws (failing the test when it throws none, or another error). */
function configErrorOf(call: () => unknown): ConfigError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, none was thrown');
}

describe('resolveThrottle (--rate-limit)', () => {
  it.each([
    ['off', NO_THROTTLING],
    ['OFF', NO_THROTTLING],
    ['false', NO_THROTTLING],
    ['on', DEFAULT_THROTTLE_POLICY],
    [undefined, DEFAULT_THROTTLE_POLICY],
    ['', DEFAULT_THROTTLE_POLICY],
    ['login=5/15m', { pair: { failures: 5, firstWaitMs: MINUTE, longestWaitMs: 15 * MINUTE }, address: DEFAULT_ADDRESS }],
    ['login=3/30s', { pair: { failures: 3, firstWaitMs: 30_000, longestWaitMs: 30_000 }, address: DEFAULT_ADDRESS }],
    ['ip=50/15m', { pair: DEFAULT_PAIR, address: { failures: 50, windowMs: 15 * MINUTE } }],
    ['login=off,ip=20/1h', { address: { failures: 20, windowMs: 60 * MINUTE } }],
    [' login=5/15m , ip=off ', { pair: { failures: 5, firstWaitMs: MINUTE, longestWaitMs: 15 * MINUTE } }],
    ['login=off,ip=off', {}],
  ])('%j is %j', (spec, policy) => {
    expect(resolveThrottle(spec)).toEqual(policy);
  });

  it.each([
    'login=0/1m',
    'login=5',
    'login=5/',
    'login=/1m',
    'login=5/xyz',
    'login=5/0s',
    'login=-1/1m',
    'ip=1.5/1m',
    'foo=1/1m',
    'login',
    'yes',
    'login=5/1m=junk',
    'login=5/15m,login=3/1m',
  ])('%j is refused with ERR_OPTION and the format to write', (spec) => {
    const error = configErrorOf(() => resolveThrottle(spec));
    expect(error.code).toBe('ERR_OPTION');
    expect(error.message).toContain('rate-limit');
    expect(error.message).toContain("'login=5/15m,ip=50/15m'");
  });
});

describe('resolveTrustProxy (--trust-proxy)', () => {
  it.each([
    [undefined, false],
    [false, false],
    ['false', false],
    [true, true],
    ['true', true],
    ['2', 2],
    [1, 1],
    ['loopback,10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    [' loopback , 10.0.0.0/8 ', ['loopback', '10.0.0.0/8']],
    [
      ['linklocal', 'uniquelocal', '192.168.1.10', 'fd00::/8', '::1/128'],
      ['linklocal', 'uniquelocal', '192.168.1.10', 'fd00::/8', '::1/128'],
    ],
  ])('%j is %j', (value, trust) => {
    expect(resolveTrustProxy(value)).toEqual(trust);
  });

  it.each(['10.0.0.0/33', '10.0.0.0/abc', '10.0.0.0/', 'fd00::/129', '10.0.0/8', 'proxy.example.com', 'loopback/8', 'loopback,10.0.0.0/99'])(
    '%j is refused with ERR_OPTION, naming the bad item',
    (value) => {
      const error = configErrorOf(() => resolveTrustProxy(value));
      expect(error.code).toBe('ERR_OPTION');
      expect(error.message).toMatch(/^trust-proxy: ".+" is not an address, a subnet \(10\.0\.0\.0\/8\)/);
    },
  );
});

describe('resolveLimits', () => {
  it('resolves both options of the server', () => {
    expect(resolveLimits({ db: {}, rateLimit: 'login=off', trustProxy: '1' })).toEqual({
      throttle: { address: DEFAULT_ADDRESS },
      trustProxy: 1,
    });
  });
});
