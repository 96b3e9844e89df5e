import type { Request, Response } from 'express';
import { tooManyRequests } from '../errors';
import { clientAddressKey } from './client-address';
import type { LoginThrottle, ThrottleVerdict } from './login-throttle';

/** One password (or client secret) guess: at what, and from where. */
export interface Attempt {
  subject: string;
  address: string;
}

/**
 * `login:<email>` for a person's password, at /auth/login, the provider's login page and /auth/password alike (one
 * account, one count); `client:<id>` for a client's secret at the token endpoint. An unknown email counts as a known one.
 */
export function attemptAt(kind: 'login' | 'client', name: string, req: Pick<Request, 'ip'>): Attempt {
  return { subject: `${kind}:${name.trim().toLowerCase()}`, address: clientAddressKey(req.ip) };
}

/** The wait as a sentence, with the way out (README "Rate limits"). */
export function waitMessage(attempt: Attempt, verdict: Extract<ThrottleVerdict, { allowed: false }>): string {
  const guesses = attempt.subject.startsWith('client:') ? "attempts with this client's secret" : 'logins for this account';
  const what = verdict.by === 'pair' ? `failed ${guesses} from your address` : 'failed logins from your address, whatever the account';
  return `Too many ${what}; try again in ${verdict.retryAfterSeconds} s. Start the server with --rate-limit off (or rateLimit: 'off') to turn this off.`;
}

/** Checks an attempt before its password is looked at: the RateLimit headers set; the refusal when it must wait. */
export function checkAttempt(throttle: LoginThrottle, res: Response, attempt: Attempt): Extract<ThrottleVerdict, { allowed: false }> | undefined {
  const verdict = throttle.check(attempt.subject, attempt.address);
  res.set(verdict.headers);
  return verdict.allowed ? undefined : verdict;
}

/** Records how the guess went, and sets the headers of the verdict for the next one. */
export function settleAttempt(throttle: LoginThrottle, res: Response, attempt: Attempt, succeeded: boolean): void {
  if (succeeded) {
    throttle.succeeded(attempt.subject, attempt.address);
    res.set(throttle.check(attempt.subject, attempt.address).headers);
  } else res.set(throttle.failed(attempt.subject, attempt.address).headers);
}

/**
 * A password check under the throttle, for the JSON endpoints: a 429 (with Retry-After) while the guesser waits,
 * else the check's outcome, counted.
 */
export async function throttledCheck(throttle: LoginThrottle, res: Response, attempt: Attempt, check: () => Promise<boolean>): Promise<boolean> {
  const wait = checkAttempt(throttle, res, attempt);
  if (wait) throw tooManyRequests(waitMessage(attempt, wait), wait.retryAfterSeconds);
  const matches = await check();
  settleAttempt(throttle, res, attempt, matches);
  return matches;
}
