import type { Request, RequestHandler, Response } from 'express';
import { serverOrigin, type IssuerPolicy } from './issuer-policy';
import type { SigningKeys } from './signing-keys';

export const JWKS_PATH = '/.well-known/jwks.json';
/** OpenID Connect Discovery 1.0 §4, and RFC 8414 §3 (the same document, by both names). */
export const DISCOVERY_PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];

/**
 * Whether a request asks for one of the public documents: exactly these paths (a db resource named `.well-known`
 * keeps every other path under it), by GET, HEAD or a CORS preflight.
 */
export function isPublicDocument(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') return false;
  return req.path === JWKS_PATH || DISCOVERY_PATHS.includes(req.path);
}

/** Five minutes: a rotated key is published long before it signs (at the next start), so caches catch up in time. */
const CACHE_CONTROL = 'public, max-age=300';

function answerPublicly(res: Response, body: unknown): void {
  // Public by nature: any origin may read them, and no credentials are involved (so no Allow-Credentials).
  res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': CACHE_CONTROL }).removeHeader('Pragma');
  res.removeHeader('Expires');
  res.json(body);
}

export interface WellKnownOptions {
  keys: SigningKeys;
  issuer: IssuerPolicy;
  /** The OpenID provider's endpoints and what they support, from the origin a request sees (none with HS256). */
  providerMetadata?: (origin: string) => Record<string, unknown>;
}

/**
 * GET /.well-known/jwks.json (RFC 7517 §5: the public keys only; with HS256 an empty set) and the discovery documents.
 * They answer before the rewrites, the token check and the access rules: they are the server's, not data.
 */
export function makeWellKnownRoutes({ keys, issuer, providerMetadata }: WellKnownOptions): RequestHandler {
  function discovery(req: Request) {
    const origin = serverOrigin(req, 'http://localhost');
    const algorithms = keys.algorithms();
    return {
      issuer: issuer.issuerFor(req),
      ...providerMetadata?.(origin),
      jwks_uri: `${origin}${JWKS_PATH}`,
      revocation_endpoint: `${origin}/auth/revoke`,
      introspection_endpoint: `${origin}/auth/introspect`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: algorithms,
    };
  }

  return function wellKnownDocuments(req, res, next) {
    if (!isPublicDocument(req)) return next();
    if (req.method === 'OPTIONS') {
      res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Max-Age': '600' });
      return void res.status(204).set('Content-Length', '0').end();
    }
    answerPublicly(res, req.path === JWKS_PATH ? { keys: keys.publicJwks() } : discovery(req));
  };
}
