import express, { type Request, type RequestHandler, type Router } from 'express';
import { makeTokenService, type TokenService } from '../auth/tokens';
import { ApiError, ConfigError } from '../errors';
import type { ResolvedOptions } from '../config/options';
import { makeAuthorizeRoutes } from '../provider/authorize-routes';
import type { ClientRegistry } from '../provider/client-registry';
import { makeCodeStore } from '../provider/codes';
import { makeEndSessionRoutes } from '../provider/end-session-routes';
import { makeIdTokenSigner } from '../provider/id-token';
import { providerMetadata } from '../provider/metadata';
import { makePathAliases } from '../provider/path-aliases';
import { AUTHORIZE_PATH, END_SESSION_PATH, presetAliases, providerPathsOf, TOKEN_PATH, USERINFO_PATH, type ProviderPaths } from '../provider/paths';
import { makeProviderSessions } from '../provider/provider-sessions';
import { makeProviderTokenRoutes, makeSessionGrants } from '../provider/token-routes';
import { makeUserinfoRoutes } from '../provider/userinfo-routes';
import type { AuthParts } from './auth';
import type { Stores } from './stores';

export interface ProviderParts {
  /** The authorization, token and userinfo endpoints (or, with HS256, an answer that says how to get them). */
  routes: Router;
  /** --provider-paths auth0: its paths answered by the /auth endpoints (path-aliases.ts); first in the pipeline. */
  aliases?: RequestHandler;
  /** What discovery adds for them, from the server's origin as a request sees it; undefined with HS256. */
  metadata?: (origin: string) => Record<string, unknown>;
  /** Provider sessions, unused codes and the grants of provider sessions: reset() clears them. */
  clear(): void;
}

/** With HS256 there is no public key, so no ID token a client could verify: the endpoints say what to do instead. */
function providerOff(paths: ProviderPaths): ProviderParts {
  const routes = express.Router();
  routes.all([AUTHORIZE_PATH, TOKEN_PATH, USERINFO_PATH, END_SESSION_PATH, ...presetAliases(paths).keys()], (_req, _res, next) =>
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

/** A preset's path that is also a db.json resource would hide it: the start stops and says so. */
function checkPresetPaths(paths: ProviderPaths, resources: readonly string[]): void {
  for (const alias of presetAliases(paths).keys()) {
    const first = alias.split('/')[1];
    const resource = resources.find((name) => name.toLowerCase() === first);
    if (resource !== undefined)
      throw new ConfigError(
        'ERR_OPTION',
        `provider-paths: db.json has a resource named "${resource}", and ${alias} is an endpoint of the OpenID provider with this preset; rename the resource, or drop --provider-paths`,
      );
  }
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
export function makeProvider(options: ResolvedOptions, { accounts, sessions, database }: Stores, auth: AuthParts): ProviderParts {
  const { clients } = auth; // checked by makeAuth: the authenticate step accepts the service tokens of its clients
  const paths = providerPathsOf(options.providerPaths);
  checkPresetPaths(paths, Object.keys(database.db.getState()));
  if (options.alg === 'HS256') return providerOff(paths);
  const { now } = options;
  // A browser's sign-in knows the app sessions its codes started (its sign-out ends them), and its codes die with it.
  const codes = makeCodeStore(now, (signIn, sessionId) => {
    // Signed out between the code and its exchange (a moment): the session just started ends too.
    if (!providerSessions.started(signIn, sessionId)) sessions.end({ sessionId }, 'signed out at the provider').catch(() => undefined);
  });
  const providerSessions = makeProviderSessions(now, {
    endAppSessions: async (ids) => void (await Promise.all(ids.map((sessionId) => sessions.end({ sessionId }, 'signed out at the provider')))),
    isLive: (sessionId) => sessions.isActive(sessionId),
    signInEnded: (signIn) => codes.forgetSignIn(signIn),
  });
  // Logout everywhere and a password change end the browsers' provider sessions too: a stolen sign-in must not outlive them.
  sessions.onUserSessionsEnded((userId) => providerSessions.endAllOf(userId));
  const sessionGrants = makeSessionGrants();
  const idTokens = makeIdTokenSigner({ keys: auth.signingKeys, ttlSeconds: options.accessTtlSeconds, now, claims: options.claims });
  const issuer = (req: Request) => auth.tokenIssuer.issuerFor(req);
  const routes = express.Router();
  const { redirectUris } = options;
  const { signInCookiePaths } = paths;
  const { throttle } = auth;
  routes.use(
    makeAuthorizeRoutes({
      ...{ accounts, codes, providerSessions, decoyFor: auth.decoyFor, issuer, now, redirectUris, clients, signInCookiePaths, throttle },
      requireVerifiedEmail: options.requireVerifiedEmail,
      loginField: options.loginField,
    }),
  );
  const tokensFor = tokensByClient(options, clients, auth);
  const { singleSession, claims, requireVerifiedEmail } = options;
  routes.use(
    makeProviderTokenRoutes({
      ...{ accounts, sessions, tokens: auth.tokens, tokensFor, codes, idTokens, singleSession, sessionGrants, clients, throttle, claims },
      requireVerifiedEmail,
    }),
  );
  routes.use(makeUserinfoRoutes({ accounts, sessions, sessionGrants, clients }));
  const endSessionOptions = { sessions, providerSessions, keys: auth.signingKeys, issuer: auth.tokenIssuer, now, redirectUris, clients, signInCookiePaths };
  routes.use(makeEndSessionRoutes(endSessionOptions));
  return {
    routes,
    aliases: makePathAliases(paths),
    metadata: (origin) => providerMetadata(origin, { confidentialClients: clients.hasConfidential, clientCredentials: clients.hasClientCredentials, paths }),
    clear() {
      codes.clear();
      providerSessions.clear();
      sessionGrants.clear();
    },
  };
}
