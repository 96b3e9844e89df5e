/**
 * What login throttling counts and how long it makes a guesser wait (README "Rate limits"). Only failures count: a
 * test suite that logs in hundreds of times with the right password is never slowed down.
 */
export interface ThrottlePolicy {
  /**
   * One account (or client) from one address: after `failures` failures in a row, that pair waits `firstWaitMs`,
   * doubling with each new lockout up to `longestWaitMs`. A success starts the count again.
   */
  pair?: { failures: number; firstWaitMs: number; longestWaitMs: number };
  /** One address, whatever the account: after `failures` failures within `windowMs`, it waits for the rest of that window. */
  address?: { failures: number; windowMs: number };
}

const MINUTE = 60_000;

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  pair: { failures: 10, firstWaitMs: MINUTE, longestWaitMs: 15 * MINUTE },
  address: { failures: 100, windowMs: 15 * MINUTE },
};

/** --rate-limit off. */
export const NO_THROTTLING: ThrottlePolicy = {};

export const isThrottling = (policy: ThrottlePolicy) => policy.pair !== undefined || policy.address !== undefined;
