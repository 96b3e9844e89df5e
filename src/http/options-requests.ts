import type { RequestHandler } from 'express';

/**
 * Express answers `OPTIONS` on any path with a route of its own (`/auth/me`, `/__rules`, `/`) by itself, with the
 * `Allow` list as an HTML body. Every answer of this server is JSON or empty: those become a 204 with the same
 * `Allow` header. (CORS preflights are answered before, and resource paths by the guard.)
 */
export const emptyOptionsAnswers: RequestHandler = function emptyOptionsAnswers(req, res, next) {
  if (req.method !== 'OPTIONS') return next();
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (typeof body === 'string' && res.get('Allow') !== undefined && res.get('Content-Type') === undefined) return send(res.status(204) && undefined);
    return send(body);
  };
  next();
};
