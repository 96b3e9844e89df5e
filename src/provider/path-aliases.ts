import type { RequestHandler } from 'express';
import { END_SESSION_PATH, presetAliases, type ProviderPaths } from './paths';

/**
 * A preset's paths (--provider-paths auth0) answered by the /auth endpoints: the request's URL becomes the /auth one
 * before CORS, the auth origin gate and every other check, so an alias is held to exactly the same rules
 * (Express keeps the original in req.originalUrl, which the request log shows). Matched as Express matches a route:
 * any letter case, one trailing slash.
 */
export function makePathAliases(paths: ProviderPaths): RequestHandler | undefined {
  const aliases = presetAliases(paths);
  if (aliases.size === 0) return undefined;
  const lowerCased = new Map([...aliases].map(([alias, path]) => [alias.toLowerCase(), path]));
  return function providerPathAliases(req, _res, next) {
    const path = req.path.length > 1 ? req.path.toLowerCase().replace(/\/$/, '') : req.path;
    const target = lowerCased.get(path);
    if (target === undefined) return next();
    const question = req.url.indexOf('?');
    const search = question === -1 ? '' : req.url.slice(question + 1);
    req.url = `${target}${target === END_SESSION_PATH ? auth0LogoutQuery(search) : question === -1 ? '' : `?${search}`}`;
    next();
  };
}

/**
 * Auth0's /v2/logout takes `returnTo` where RP-Initiated Logout 1.0 says `post_logout_redirect_uri` (and `federated`,
 * which has no meaning here). The standard name wins when both come; the URI is checked as any other.
 */
function auth0LogoutQuery(search: string): string {
  const query = new URLSearchParams(search);
  const returnTo = query.getAll('returnTo');
  query.delete('returnTo');
  query.delete('federated');
  if (!query.has('post_logout_redirect_uri')) for (const value of returnTo) query.append('post_logout_redirect_uri', value); // repeated stays repeated: refused
  const rebuilt = query.toString();
  return rebuilt === '' ? '' : `?${rebuilt}`;
}
