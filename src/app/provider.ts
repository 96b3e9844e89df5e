import express, { type Request, type Router } from 'express';
import { makeTokenService, type TokenService } from '../auth/tokens';
import { parseDuration } from '../config/duration';
import { ApiError, ConfigError } from '../errors';
import type { ResolvedOptions } from '../config/options';
import { makeAuthorizeRoutes } from '../provider/authorize-routes';
import { makeClientRegistry, parseClients, type ClientRegistry } from '../provider/client-registry';
import { makeCodeStore } from '../provider/codes';
import { makeEndSessionRoutes } from '../provider/end-session-routes';
import { makeIdTokenSigner } from '../provider/id-token';
import { providerMetadata } from '../provider/metadata';
import { AUTHORIZE_PATH, END_SESSION_PATH, TOKEN_PATH, USERINFO_PATH } from '../provider/paths';
import { makeProviderSessions } from '../provider/provider-sessions';
import { makeProviderTokenRoutes, makeSessionGrants } from '../provider/token-routes';
import { makeUserinfoRoutes } from '../provider/userinfo-routes';
import type { AuthParts } from './auth';
import type { Stores } from './stores';

export interface ProviderParts {
  /** The authorization, token and userinfo endpoints (or, with HS256, an answer that says how to get them). */
  routes: Router;
  /** What discovery adds for them, from the server's origin as a request sees it; undefined with HS256. */
  metadata?: (origin: string) => Record<string, unknown>;
  /** Provider sessions, unused codes and the grants of provider sessions: reset() clears them. */
  clear(): void;
}

/** With HS256 there is no public key, so no ID token a client could verify: the endpoints say what to do instead. */
function providerOff(): ProviderParts {
  const routes = express.Router();
  routes.all([AUTHORIZE_PATH, TOKEN_PATH, USERINFO_PATH, END_SESSION_PATH], (_req, _res, next) =>
    next(
      new ApiError(
        404,
        'not_found',
        'The OpenID provider needs a key pair, and this server signs with a shared secret (HS256): start it without --secret / JWT_SECRET / --alg HS256.',
      ),
    ),
  );
  return { routes, clear: () => undefined };
}

/** The clients list, checked (a bad entry stops the start, HS256 or not). */
function clientRegistryOf(options: ResolvedOptions): ClientRegistry {
  const parsed = parseClients(options.clients, parseDuration);
  if (!parsed.ok) throw new ConfigError('ERR_OPTION', `clients: ${parsed.problem}`);
  return makeClientRegistry(parsed.clients);
}

/** The access tokens of each client: the server's, or, for a client with its own accessTtl, the same ones living that long. */
function tokensByClient(options: ResolvedOptions, clients: ClientRegistry, auth: AuthParts): (clientId: string | undefined) => TokenService {
  const { audience, now } = options;
  const own = new Map(
    clients.clients
      .filter((client) => client.accessTtlSeconds !== undefined)
      .map((client) => [
        client.id,
        makeTokenService({ keys: auth.signingKeys, issuer: auth.tokenIssuer, audience, accessTtlSeconds: client.accessTtlSeconds!, now }),
      ]),
  );
  return (clientId) => (clientId === undefined ? undefined : own.get(clientId)) ?? auth.tokens;
}

/** README "Use it as your OpenID provider": the code flow with PKCE over the same accounts and sessions. */
export function makeProvider(options: ResolvedOptions, { accounts, sessions }: Stores, auth: AuthParts): ProviderParts {
  const clients = clientRegistryOf(options);
  if (options.alg === 'HS256') return providerOff();
  const { now } = options;
  const codes = makeCodeStore(now);
  const providerSessions = makeProviderSessions(now);
  // Logout everywhere and a password change end the browsers' provider sessions too: a stolen sign-in must not outlive them.
  sessions.onUserSessionsEnded((userId) => providerSessions.endAllOf(userId));
  const sessionGrants = makeSessionGrants();
  const idTokens = makeIdTokenSigner({ keys: auth.signingKeys, ttlSeconds: options.accessTtlSeconds, now });
  const issuer = (req: Request) => auth.tokenIssuer.issuerFor(req);
  const routes = express.Router();
  const { redirectUris } = options;
  routes.use(makeAuthorizeRoutes({ accounts, codes, providerSessions, decoyFor: auth.decoyFor, issuer, now, redirectUris, clients }));
  const tokensFor = tokensByClient(options, clients, auth);
  const { singleSession } = options;
  routes.use(makeProviderTokenRoutes({ accounts, sessions, tokens: auth.tokens, tokensFor, codes, idTokens, singleSession, sessionGrants, clients }));
  routes.use(makeUserinfoRoutes({ accounts, sessions, sessionGrants, clients }));
  routes.use(makeEndSessionRoutes({ sessions, providerSessions, keys: auth.signingKeys, issuer: auth.tokenIssuer, now, redirectUris, clients }));
  return {
    routes,
    metadata: (origin) => providerMetadata(origin, { confidentialClients: clients.hasConfidential }),
    clear() {
      codes.clear();
      providerSessions.clear();
      sessionGrants.clear();
    },
  };
}
