import { createHash } from 'node:crypto';
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
export function attemptAt(kind: 'login' | 'client' | 'reset' | 'verify', name: string, req: Pick<Request, 'ip'>): Attempt {
  // By a hash of the name: a key of fixed size, however long the email a guesser sends (its memory stays bounded).
  const name256 = createHash('sha256').update(name.trim().toLowerCase()).digest('base64url');
  return { subject: `${kind}:${name256}`, address: clientAddressKey(req.ip) };
}

/** The wait as a sentence, with the way out (README "Rate limits"). */
export function waitMessage(attempt: Attempt, verdict: Extract<ThrottleVerdict, { allowed: false }>): string {
  const kind = attempt.subject.slice(0, attempt.subject.indexOf(':'));
  const guesses =
    { client: "attempts with this client's secret", reset: 'password-reset requests for this email', verify: 'verification requests for this email' }[kind] ??
    'logins for this account';
  const what = verdict.by === 'pair' ? `failed ${guesses} from your address` : 'failed logins from your address, whatever the account';
  return `Too many ${what}; try again in ${verdict.retryAfterSeconds} s. Start the server with --rate-limit off (or rateLimit: 'off') to turn this off.`;
}

/**
 * Starts an attempt before its password is looked at: counted as a failure at once (throttle.begin), so that a burst
 * sent all at once is held to the same count; the RateLimit headers set; the refusal when it must wait.
 */
export function beginAttempt(throttle: LoginThrottle, res: Response, attempt: Attempt): Extract<ThrottleVerdict, { allowed: false }> | undefined {
  const verdict = throttle.begin(attempt.subject, attempt.address);
  res.set(verdict.headers);
  return verdict.allowed ? undefined : verdict;
}

/**
 * A request that counts, whatever comes of it (a forgot-password, another verification link): begun, never taken
 * back; a 429 with Retry-After while its sender waits.
 */
export function countRequest(throttle: LoginThrottle, res: Response, attempt: Attempt): void {
  const wait = beginAttempt(throttle, res, attempt);
  if (wait) throw tooManyRequests(waitMessage(attempt, wait), wait.retryAfterSeconds);
}

/** A begun attempt succeeded: its failure is taken back, and the headers say so. A failure was counted already. */
export function settleAttempt(throttle: LoginThrottle, res: Response, attempt: Attempt, succeeded: boolean): void {
  if (!succeeded) return;
  throttle.succeeded(attempt.subject, attempt.address);
  res.set(throttle.check(attempt.subject, attempt.address).headers);
}

type Wait = Extract<ThrottleVerdict, { allowed: false }>;

/**
 * A password check under the throttle, in turn with the other attempts at the same account from the same address:
 * the wait when the guesser must wait (the check not run), else the check's outcome, counted.
 */
export function checkInTurn(
  throttle: LoginThrottle,
  res: Response,
  attempt: Attempt,
  check: () => Promise<boolean>,
): Promise<{ wait: Wait } | { matches: boolean }> {
  return throttle.inTurn(attempt.subject, attempt.address, async () => {
    const wait = beginAttempt(throttle, res, attempt);
    if (wait) return { wait };
    const matches = await check();
    settleAttempt(throttle, res, attempt, matches);
    return { matches };
  });
}

/** checkInTurn for the JSON endpoints: the wait is a 429 with Retry-After. */
export async function throttledCheck(throttle: LoginThrottle, res: Response, attempt: Attempt, check: () => Promise<boolean>): Promise<boolean> {
  const outcome = await checkInTurn(throttle, res, attempt, check);
  if ('wait' in outcome) throw tooManyRequests(waitMessage(attempt, outcome.wait), outcome.wait.retryAfterSeconds);
  return outcome.matches;
}
