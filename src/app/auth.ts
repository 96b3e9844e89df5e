import { providerPathsOf } from '../provider/paths';
import { makeLoginThrottle, type LoginThrottle } from '../throttle/login-throttle';
import type { Mailer } from '../auth/account-mails';
import type { Router } from 'express';
import { makeAuthenticator, type Authenticator } from '../auth/authenticate';
import type { CookieSettings } from '../auth/cookies';
import { makeDecoyFor, type DecoyFor } from '../auth/decoys';
import { makeAuthRoutes } from '../auth/routes';
import { makeSessionIssuer } from '../auth/session-issuer';
import { fixedIssuer, makeLinkOrigin, originIssuer, type IssuerPolicy } from '../auth/issuer-policy';
import type { SigningKeys } from '../auth/signing-keys';
import { makeTokenService, type TokenService } from '../auth/tokens';
import { makeTrustedTokens, type TrustedTokens } from '../auth/trust/trusted-tokens';
import { parseDuration } from '../config/duration';
import type { ResolvedOptions } from '../config/options';
import { ConfigError } from '../errors';
import { makeClientRegistry, parseClients, type ClientRegistry } from '../provider/client-registry';
import type { StartedStores, Stores } from './stores';

export interface AuthParts {
  /** Authenticates each request once (into req.auth), early; see auth/authenticate.ts. */
  authenticator: Authenticator;
  /** --cookie: the refresh token travels in an HttpOnly cookie. */
  cookie: CookieSettings | undefined;
  /** /auth/* and json-server-auth's aliases (/login, /register, POST /users where it registers). */
  routes: Router;
  /** The keys that sign and verify, for the JWKS and discovery. */
  signingKeys: SigningKeys;
  /** The `iss` of tokens, for discovery's `issuer`. */
  tokenIssuer: IssuerPolicy;
  /** --trust: the identity providers whose tokens are accepted too, and their keys. */
  trustedTokens?: TrustedTokens;
  /** Signs access tokens: the OpenID provider's token endpoint issues the same ones. */
  tokens: TokenService;
  /** The hash an unknown email's password is checked against, so a login takes as long either way. */
  decoyFor: DecoyFor;
  /** The clients list, checked: the OpenID provider's clients, and those whose service tokens are accepted. */
  clients: ClientRegistry;
  /** Failed logins counted, guessers made to wait (README "Rate limits"); reset() clears it. */
  throttle: LoginThrottle;
  /** Mail requests counted per email and address (forgot password, resend); reset() clears it. */
  mailThrottle: LoginThrottle;
}

/** The clients list, checked (a bad entry stops the start, HS256 or not); a client's service tokens get its role, or --default-role. */
function clientRegistryOf(options: ResolvedOptions): ClientRegistry {
  const parsed = parseClients(options.clients, parseDuration);
  if (!parsed.ok) throw new ConfigError('ERR_OPTION', `clients: ${parsed.problem}`);
  return makeClientRegistry(parsed.clients, options.defaultRole);
}

/** Tokens signed with the start's key, the sessions they belong to, and the routes that hand them out. */
export function makeAuth(
  options: ResolvedOptions,
  { accounts, sessions, database }: Stores,
  started: Pick<StartedStores, 'signingKeys' | 'secret' | 'accountTokens'>,
  outbox: Mailer,
): AuthParts {
  const { audience, accessTtlSeconds, now } = options;
  const { signingKeys } = started;
  // README "Tokens": the server's origin as each request sees it, unless --issuer (or HS256) fixes one.
  const { issuerTrailingSlash: trailingSlash } = providerPathsOf(options.providerPaths);
  const tokenIssuer = options.issuer === undefined ? originIssuer(options.allowedHosts, 'http://localhost', { trailingSlash }) : fixedIssuer(options.issuer);
  const tokens = makeTokenService({ keys: signingKeys, issuer: tokenIssuer, audience, accessTtlSeconds, now });
  const trustedTokens = options.trust && makeTrustedTokens(options.trust, now);
  const mapping = options.trust && { emailClaim: options.trust.emailClaim, roleClaim: options.trust.roleClaim, defaultRole: options.defaultRole };
  const clients = clientRegistryOf(options);
  const authenticator = makeAuthenticator(tokens, sessions, accounts, trustedTokens && mapping && { tokens: trustedTokens, mapping }, clients);
  sessions.setReuseInterval(options.refreshReuseIntervalMs);
  const cookie: CookieSettings | undefined = options.cookie
    ? { secure: options.cookieSecure, sameSite: options.cookieSameSite, allowedOrigins: options.corsOrigins }
    : undefined;
  const issuer = makeSessionIssuer({ tokens, sessions, cookie, singleSession: options.singleSession, now, claims: options.claims });
  const decoyFor = makeDecoyFor(started.secret, () => accounts.snapshot());
  const throttle = makeLoginThrottle(options.throttle, now);
  // Mail requests (forgot password, another verification link) count per email and address only: a flood of them must
  // not spend the address's budget of failed logins, which would lock out every account's right password.
  const mailThrottle = makeLoginThrottle({ pair: options.throttle.pair }, now);
  const routes = makeAuthRoutes({
    accounts,
    sessions,
    issuer,
    cookie,
    authenticator,
    passwordMinLength: options.passwordMinLength,
    defaultRole: options.defaultRole,
    decoyFor,
    registerAtUsers: database.accountsCollection,
    throttle,
    loginField: options.loginField,
    clientTtl: options.allowClientTtl ? { maxSeconds: accessTtlSeconds, parseDuration } : undefined,
    accountFlows: {
      ...{ tokens: started.accountTokens, mailer: outbox, resetUrl: options.resetUrl, now, requireVerifiedEmail: options.requireVerifiedEmail },
      linkOrigin: makeLinkOrigin(options.allowedHosts),
      mailThrottle,
    },
  });
  return {
    authenticator,
    cookie,
    routes,
    signingKeys,
    tokenIssuer,
    trustedTokens: trustedTokens || undefined,
    tokens,
    decoyFor,
    clients,
    throttle,
    mailThrottle,
  };
}
