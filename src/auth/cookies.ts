import type { Request, Response } from 'express';
import { badRequest, forbidden } from '../errors';

export const REFRESH_COOKIE = 'fja_refresh';
/** Only the routes that take a refresh token ever receive the cookie. */
const COOKIE_PATH = '/auth';

export interface CookieSettings {
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
  /** Origins allowed to drive a cookie refresh from another site (--cors-origin). */
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

export function readRefreshCookie(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    // Refresh tokens are base64url: nothing to decode, and a malformed %-escape cannot throw.
    if (name === REFRESH_COOKIE) return value.join('=');
  }
  return undefined;
}

/**
 * The cookie goes with every request to /auth, including a form another site submits. So a request that
 * relies on it must be one a cross-site form cannot make: JSON, and from this origin or an allowed one.
 */
export function checkCookieRequest(req: Request, settings: CookieSettings): void {
  if (!req.is('application/json')) throw badRequest('A refresh by cookie needs Content-Type: application/json (a cross-site form cannot send that).');
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const ownOrigin = `${req.protocol}://${req.get('host')}`;
  if (origin !== ownOrigin && !settings.allowedOrigins.includes(origin)) {
    throw forbidden(`The origin ${origin} may not use the refresh cookie; start the server with --cors-origin ${origin} to allow it.`);
  }
}
