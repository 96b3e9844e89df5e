import type { NextFunction, Request, RequestHandler } from 'express';
import { ADMIN_ROLE } from '../accounts/roles';
import { isEmailVerified, roleOf } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import { ApiError, forbidden } from '../errors';
import type { SessionStore } from '../sessions/session-store';
import { readBearerToken } from './bearer';
import { insufficientRole, invalidToken, missingToken } from './challenge';
import { notAnAccount, serviceCaller, type ServiceClients } from './service-callers';
import { ACCOUNT_GONE, SESSION_ENDED, sessionAccount } from './session-account';
import { isServiceToken, type AccessClaims, type TokenService, type VerifiedClaims } from './tokens';
import { makeTrustedRequests, type TrustedRequests, type TrustedSources } from './trust/trusted-requests';

declare module 'express-serve-static-core' {
  interface Request {
    /** The caller's verified claims, with the account's current role: set once, by the authenticate step. */
    auth?: AccessClaims;
    /** The 401 a token that was sent but cannot be used earns; thrown by the first step that needs the caller. */
    authError?: ApiError;
  }
}

export interface Authenticator {
  /**
   * The authenticate step: verifies the request's bearer token once, into `req.auth` or `req.authError`; every
   * later step reads that result (callerClaims). Never answers the request itself: whether a caller is needed is
   * the route's or the rule's to say.
   */
  authenticateRequest: RequestHandler;
  /**
   * The caller's session checked again after a wait (_delay, --delay, --middlewares that wait): still on,
   * not revoked, its account still the one that logged in (with its current role), its token not expired. Map
   * lookups and a clock comparison, no signature check. A session that ended meanwhile turns into `req.authError`.
   */
  recheckSession(req: Request): void;
  /** recheckSession as a step of the pipeline: after the delay, before the access guard decides. */
  recheckAfterDelay: RequestHandler;
  /** An access token's claims when it is one of ours and still good, else undefined: for /auth/revoke and /auth/introspect. */
  activeClaims(token: string): Promise<AccessClaims | undefined>;
  /** For the request log: the caller of a request answered before the authenticate step ran (a body that is not JSON). */
  callerForLog(req: Request): AccessClaims | undefined;
}

interface AuthSources {
  tokens: TokenService;
  sessions: SessionStore;
  accounts: AccountStore;
  /** The clients that may hold service tokens; none without a clients list. */
  clients?: ServiceClients;
}

/**
 * The checks after the signature, every one a map lookup: the token was not revoked one by one, its session is
 * still on, and the account that logged in still has its id (sessionAccount). The role is the account's current
 * one: an admin's change takes effect on the next request, not at token expiry. A service token: serviceCaller.
 */
function liveClaims(sources: AuthSources, claims: VerifiedClaims): AccessClaims {
  const { sessions, accounts } = sources;
  if (isServiceToken(claims)) return serviceCaller(sessions, sources.clients, claims.client_id, claims);
  if (sessions.isRevoked(claims.jti)) throw invalidToken('the token has been revoked');
  const session = sessions.activeSession(claims.sid);
  if (!session || session.userId !== claims.sub) throw invalidToken(SESSION_ENDED);
  const account = sessionAccount(accounts, session);
  if (!account) throw invalidToken(ACCOUNT_GONE);
  // The markers are the authenticate step's to set: one signed into a session's token is dropped.
  const { service: _service, trusted: _trusted, ...own } = claims;
  return { ...own, role: roleOf(account), email_verified: isEmailVerified(account) };
}

/** A caller read again after a wait: its in-process `service` marker, set by serviceCaller only, says which check. */
const recheckedClaims = (sources: AuthSources, caller: AccessClaims): AccessClaims =>
  caller.service ? serviceCaller(sources.sessions, sources.clients, caller.service.clientId, caller) : liveClaims(sources, caller);

/**
 * `fake-jwt-api token` starts sessions from another process, in the sessions file. A good token naming a session
 * this server has not seen makes it read that file (only when it changed, one read at a time); a forged token
 * never touches the disk. A service token has no session.
 */
const needsCatchUp = ({ sessions }: AuthSources, claims: VerifiedClaims) => !isServiceToken(claims) && !sessions.knows(claims.sid);

/** Keeps a refusal for the step that needs the caller; anything but an ApiError is a bug, for the error handler. */
function refuse(req: Request, error: unknown, next: NextFunction): void {
  if (!(error instanceof ApiError)) return next(error);
  req.authError = error;
  next();
}

function settle(sources: AuthSources, req: Request, claims: VerifiedClaims, next: NextFunction): void {
  try {
    req.auth = liveClaims(sources, claims);
  } catch (error) {
    return refuse(req, error, next);
  }
  next();
}

/** A trusted provider's token: its keys may have to be fetched first (trust/remote-key-set.ts). */
function authenticateTrusted(trustedRequests: TrustedRequests, req: Request, token: string, next: NextFunction): void {
  trustedRequests.authenticate(req, token).then(
    (caller) => {
      req.auth = caller;
      next();
    },
    (error: unknown) => refuse(req, error, next),
  );
}

/** activeClaims: an access token's claims when it is one of ours and still good, else undefined. */
async function activeClaimsOf(sources: AuthSources, token: string): Promise<AccessClaims | undefined> {
  let claims: VerifiedClaims;
  try {
    claims = sources.tokens.verifyAccessToken(token);
  } catch {
    return undefined;
  }
  if (needsCatchUp(sources, claims)) await sources.sessions.catchUp();
  try {
    return liveClaims(sources, claims);
  } catch {
    return undefined;
  }
}

/**
 * A token is good when its signature and claims are, and its session is live (liveClaims); a service token, when
 * its client still may have it (serviceCaller); a trusted provider's, when its signature and claims are (its
 * sessions are the provider's), read into a caller (trustedCaller).
 */
export function makeAuthenticator(
  tokens: TokenService,
  sessions: SessionStore,
  accounts: AccountStore,
  trusted?: TrustedSources,
  clients?: ServiceClients,
): Authenticator {
  const sources: AuthSources = { tokens, sessions, accounts, clients };
  const stepRan = new WeakSet<Request>();
  const trustedRequests = trusted && makeTrustedRequests(accounts, trusted);

  const authenticateRequest: RequestHandler = function authenticateRequest(req, _res, next) {
    stepRan.add(req);
    let claims: VerifiedClaims;
    try {
      const token = readBearerToken(req);
      if (token === undefined) return next();
      if (trustedRequests?.claimsTrustedIssuer(token)) return authenticateTrusted(trustedRequests, req, token, next);
      claims = tokens.verifyAccessToken(token);
    } catch (error) {
      return refuse(req, error, next);
    }
    if (!needsCatchUp(sources, claims)) return settle(sources, req, claims, next);
    void sessions
      .catchUp()
      .catch((error: unknown) => console.error(`fake-jwt-api: could not read the sessions file: ${(error as Error).message}`))
      .then(() => settle(sources, req, claims, next));
  };

  function recheckSession(req: Request): void {
    if (!req.auth) return;
    try {
      if (tokens.hasExpired(req.auth)) throw invalidToken('the token has expired');
      req.auth = trustedRequests?.recheck(req) ?? recheckedClaims(sources, req.auth);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      req.auth = undefined;
      req.authError = error;
    }
  }

  const activeClaims = (token: string) => activeClaimsOf(sources, token);

  function callerForLog(req: Request): AccessClaims | undefined {
    if (stepRan.has(req)) return req.auth;
    const token = readBearerToken(req);
    // A trusted provider's token may need its keys fetched: a request answered this early is logged as anonymous.
    if (token === undefined || trustedRequests?.claimsTrustedIssuer(token)) return undefined;
    return liveClaims(sources, tokens.verifyAccessToken(token));
  }

  const recheckAfterDelay: RequestHandler = function recheckAfterDelay(req, _res, next) {
    recheckSession(req);
    next();
  };

  return { authenticateRequest, recheckSession, recheckAfterDelay, activeClaims, callerForLog };
}

/** The caller the authenticate step found: undefined when no token came; its 401 when a bad one did. */
export function callerClaims(req: Request): AccessClaims | undefined {
  if (req.authError) throw req.authError;
  return req.auth;
}

/** The caller's claims, whoever it is (a service token too), or the 401 that asks for a token. */
function requireCaller(req: Request): AccessClaims {
  const claims = callerClaims(req);
  if (!claims) throw missingToken();
  return claims;
}

/**
 * The claims of a caller with an account, here or at a trusted provider (GET /auth/me, userinfo), or the 401 that
 * asks for a token; a 403 for a service token, which is a client's, not an account's.
 */
export function requireAuthentication(req: Request): AccessClaims {
  const claims = requireCaller(req);
  if (claims.service) throw notAnAccount(claims, 'This endpoint');
  return claims;
}

/** Whether the caller has the role: its `role`, or one of the `roles` a trusted token listed. */
export const hasRole = (claims: AccessClaims, role: string): boolean => claims.role === role || (claims.roles?.includes(role) ?? false);

/** The claims of an admin caller; a 401 without a token, a 403 (insufficient_scope) for any other role. */
export function requireAdmin(req: Request, what: string): AccessClaims {
  const claims = requireCaller(req);
  if (!hasRole(claims, ADMIN_ROLE)) throw insufficientRole(`${what} is for the admin role only.`);
  return claims;
}

/**
 * The caller of an endpoint about its session here (the profile's changes, the password, the session list, a
 * logout by access token): a 403 for a trusted provider's token, which has no session here to act on, and for a
 * service token, which has none at all.
 */
export function requireOwnSession(req: Request, what: string): AccessClaims {
  const claims = requireCaller(req);
  if (claims.service) throw notAnAccount(claims, what);
  if (claims.trusted)
    throw forbidden(`${what} is for accounts signed in here; this token was issued by ${claims.trusted.issuer}, which keeps its sessions and passwords.`);
  return claims;
}
