import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { readCookie } from '../auth/cookies';

/**
 * The login form's CSRF defence, a double submit: the same random token in a hidden field and in a cookie only this
 * server's pages can set. A form another site makes cannot know the cookie, so cannot log a browser in to the
 * attacker's account (login CSRF). The auth origin gate refuses cross-origin POSTs to /auth/* before this.
 */
export const CSRF_COOKIE = 'fake_jwt_api_csrf';
export const CSRF_FIELD = 'csrf_token';
/** Where the provider's cookies go: its forms post under /auth; never the data routes (see paths.ts signInCookiePaths). */
export const PROVIDER_COOKIE_PATH = '/auth';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The request's token when it has a well-formed one (several tabs then share it), else a new one. */
export function csrfTokenFor(req: Request): string {
  const current = readCookie(req, CSRF_COOKIE);
  return current !== undefined && TOKEN.test(current) ? current : randomBytes(32).toString('base64url');
}

export function setCsrfCookie(req: Request, res: Response, token: string): void {
  // A browser-session cookie: it lives as long as the login page may sit open in a tab.
  res.cookie(CSRF_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: PROVIDER_COOKIE_PATH, secure: req.secure });
}

/** Both copies are there, well formed and equal (compared in constant time). */
export function csrfTokensMatch(cookieToken: unknown, fieldToken: unknown): boolean {
  if (typeof cookieToken !== 'string' || typeof fieldToken !== 'string' || !TOKEN.test(cookieToken) || !TOKEN.test(fieldToken)) return false;
  return timingSafeEqual(Buffer.from(cookieToken), Buffer.from(fieldToken));
}
