import type { Request, RequestHandler, Response } from 'express';
import { badRequest } from '../errors';
import { refuseForeignOrigin, refuseForeignReferer } from '../http/origins';

export const REFRESH_COOKIE = 'fja_refresh';
/** Only the routes that take a refresh token ever receive the cookie. */
const COOKIE_PATH = '/auth';

export interface CookieSettings {
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
  /** --cors-origin: origins besides this machine's pages that may use the cookie (`*`: any). */
  allowedOrigins: readonly string[];
}

export function setRefreshCookie(res: Response, settings: CookieSettings, token: string, maxAgeSeconds: number): void {
  res.cookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    path: COOKIE_PATH,
    sameSite: settings.sameSite.toLowerCase() as 'strict' | 'lax' | 'none',
    secure: settings.secure,
    maxAge: Math.max(0, maxAgeSeconds) * 1000,
  });
}

export function clearRefreshCookie(res: Response, settings: CookieSettings): void {
  res.clearCookie(REFRESH_COOKIE, { httpOnly: true, path: COOKIE_PATH, sameSite: settings.sameSite.toLowerCase() as 'lax', secure: settings.secure });
}

/** The value of the cookie `name` in the request's Cookie header (the first, when it comes twice). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    // This server's cookie values are base64url: nothing to decode, and a malformed %-escape cannot throw.
    if (key === name) return value.join('=');
  }
  return undefined;
}

export const readRefreshCookie = (req: Request): string | undefined => readCookie(req, REFRESH_COOKIE);

/**
 * The cookie goes with every request to /auth, including a form another site submits, and login and registration
 * set it. So a request that uses or sets it must be one a cross-site form cannot make: JSON (which a page on
 * another origin can send only after a CORS preflight), and from an origin allowed to use the auth endpoints:
 * its Origin's, or without one, its Referer's.
 */
export function checkCookieRequest(req: Request, settings: CookieSettings): void {
  if (!req.is('application/json')) {
    const sent = req.headers['content-type'] ? `this one has Content-Type: ${req.headers['content-type']}` : 'this one has no body or no Content-Type';
    throw badRequest(
      `In --cookie mode, a request that sets or uses the refresh cookie (login, registration, refresh, logout) needs Content-Type: application/json, which no cross-site form can send; ${sent}. With curl: -H 'Content-Type: application/json' -d '{}'.`,
    );
  }
  refuseForeignOrigin(req, settings.allowedOrigins);
  refuseForeignReferer(req, settings.allowedOrigins);
}

/** For the routes that set the cookie (login, registration): the same check, before any work is done. */
export function makeCookieRequestCheck(settings: CookieSettings | undefined): RequestHandler {
  return function cookieRequestCheck(req, _res, next) {
    if (settings) checkCookieRequest(req, settings);
    next();
  };
}
