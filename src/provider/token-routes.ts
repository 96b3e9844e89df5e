import express, { type Request, type Response, type Router } from 'express';
import { accountIdentity, type Account } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import { accountSubject } from '../auth/account-subject';
import { refreshSession } from '../auth/refresh-session';
import { refusedAsUnverified } from '../auth/unverified-refusal';
import { ACCOUNT_GONE } from '../auth/session-account';
import type { TokenService } from '../auth/tokens';
import { asyncRoute } from '../http/async-route';
import type { Session, SessionStore } from '../sessions/session-store';
import { authenticateClient } from './client-authentication';
import { grantClientCredentials } from './client-credentials';
import { makeClientRegistry, type ClientRegistry } from './client-registry';
import type { CodeStore } from './codes';
import type { IdTokenSigner } from './id-token';
import { TOKEN_PATH } from './paths';
import { isPkceText, verifierMatches } from './pkce';
import { noStore, tokenError, tokenErrorHandler } from './token-errors';
import { bodyOf, required, type Body } from './token-parameters';
import type { LoginThrottle } from '../throttle/login-throttle';

/** What a session started at the token endpoint was granted: a refresh needs it to answer as the first answer did. */
export interface SessionGrant {
  clientId: string;
  scopes: readonly string[];
  /** Seconds since the epoch: a refreshed ID token keeps the `auth_time` of the login (OIDC Core §12.2). */
  authTime: number;
}

/**
 * The grants of the sessions the token endpoint started, in memory. A session it does not know (one of
 * /auth/login, or one from before a restart) still refreshes here, answered without an ID token (OIDC Core §12.2
 * makes it optional) and without `scope`; its refresh token was handed out already, so a new one always comes back.
 */
export interface SessionGrants {
  remember(sessionId: string, grant: SessionGrant): void;
  get(sessionId: string): SessionGrant | undefined;
  clear(): void;
}

// As many as the codes that could start them; the oldest go first (a Map keeps insertion order).
const MAX_SESSION_GRANTS = 10_000;

export function makeSessionGrants(): SessionGrants {
  const grants = new Map<string, SessionGrant>();
  return {
    remember(sessionId, grant) {
      for (const oldest of grants.keys()) {
        if (grants.size < MAX_SESSION_GRANTS) break;
        grants.delete(oldest);
      }
      grants.set(sessionId, grant);
    },
    get: (sessionId) => grants.get(sessionId),
    clear: () => grants.clear(),
  };
}

export interface ProviderTokenRoutesOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  tokens: TokenService;
  codes: CodeStore;
  idTokens: IdTokenSigner;
  /** --single-session: a code exchanged ends the account's other sessions, as a login does. */
  singleSession: boolean;
  /** Give the one the app clears on reset; a fresh one otherwise. */
  sessionGrants?: SessionGrants;
  /** The clients list: confidential clients, allowed grants, claims. */
  clients?: ClientRegistry;
  /** Wrong client secrets counted as failed logins are (README "Rate limits"); none when not given. */
  throttle?: LoginThrottle;
  /** The access tokens of a client (its own accessTtl); `tokens` when not given. */
  tokensFor?: (clientId: string | undefined) => TokenService;
  /** --claims: the profile fields every access token carries (README "Custom claims"); none when not given. */
  claims?: readonly string[];
  /** --require-verified-email: an account whose email is not verified gets no tokens for a code, nor by a refresh, as at /auth/refresh. */
  requireVerifiedEmail?: boolean;
}

/** Why a refresh token is refused, as /auth/refresh says it (auth/session-routes.ts). */
const REFUSED_REFRESH = {
  unknown: 'the refresh token is not one this server issued, or it is long expired',
  reused: 'the refresh token was already used, so its session has been ended as a precaution',
  raced: 'another request refreshed with it a moment ago; use the refresh token that request received',
  expired: 'the refresh token has expired',
  ended: 'the session of the refresh token has ended',
};

type Parts = Required<Omit<ProviderTokenRoutesOptions, 'throttle' | 'requireVerifiedEmail'>> &
  Pick<ProviderTokenRoutesOptions, 'throttle' | 'requireVerifiedEmail'>;

/** RFC 6749 §5.1 (and OIDC Core §3.1.3.3): the tokens of a session, with an ID token when `openid` was granted. */
function answer(parts: Parts, res: Response, account: Account, session: Session, refreshToken: string, nonce?: string): void {
  const { idTokens, sessionGrants, clients, tokensFor } = parts;
  const req = res.req;
  const grant = sessionGrants.get(session.id);
  // The session keeps its client (sessions.json): a restart forgets the scopes, never whose tokens these are.
  const client = clients.find(grant?.clientId ?? session.clientId);
  const issued = tokensFor(grant?.clientId ?? session.clientId).issueAccessToken(
    accountSubject(account, parts.claims),
    session.id,
    req,
    session.accessTtlSeconds,
  );
  const { clientId, scopes, authTime } = grant ?? {};
  const idToken =
    clientId !== undefined &&
    scopes?.includes('openid') &&
    idTokens.sign(
      { issuer: issued.claims.iss, account, clientId, scopes, sessionId: session.id, authTime: authTime!, nonce, profileFields: client?.claims },
      issued.token,
    );
  // OIDC Core §11: a refresh token only for offline_access (and a client allowed to refresh); a session this
  // endpoint did not start already had one.
  const givesRefresh = grant === undefined || (grant.scopes.includes('offline_access') && (client?.grants.includes('refresh_token') ?? true));
  res.json({
    access_token: issued.token,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    ...(idToken ? { id_token: idToken } : {}),
    ...(grant ? { scope: grant.scopes.join(' ') } : {}),
    ...(givesRefresh ? { refresh_token: refreshToken } : {}),
  });
}

/** RFC 6749 §4.1.3, RFC 7636 §4.6: a code, spent once, by the client it was issued to, with the verifier of its challenge. */
async function exchangeCode(parts: Parts, req: Request, res: Response, body: Body): Promise<void> {
  const { accounts, sessions, codes, singleSession, sessionGrants } = parts;
  const code = required(body, 'code');
  const redirectUri = required(body, 'redirect_uri');
  const { clientId, client } = authenticateClient(parts.clients, req, body, parts.throttle && { throttle: parts.throttle, res });
  if (clientId === undefined) throw tokenError('invalid_request', '"client_id" is required (RFC 6749 §4.1.3).');
  if (client && !client.grants.includes('authorization_code'))
    throw tokenError('unauthorized_client', `The client "${client.id}" may not use the authorization_code grant (its grants in the clients list).`);
  const verifier = required(body, 'code_verifier');
  if (!isPkceText(verifier)) throw tokenError('invalid_request', '"code_verifier" must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1).');
  // Read users.json first: between spending the code and starting the session nothing else waits.
  await accounts.reloadIfChangedOnDisk();
  const redemption = codes.redeem(code);
  if (redemption.outcome === 'reused') {
    // RFC 6749 §4.1.2: a code used twice was stolen or replayed; what its first use got dies with it.
    if (redemption.sessionId !== undefined) await sessions.end({ sessionId: redemption.sessionId }, 'authorization code reused');
    throw tokenError('invalid_grant', 'The code was already used; the tokens issued for it have been revoked.');
  }
  if (redemption.outcome !== 'granted') throw tokenError('invalid_grant', `The code is ${redemption.outcome === 'expired' ? 'expired' : 'unknown'}.`);
  const { grant } = redemption;
  if (grant.clientId !== clientId) throw tokenError('invalid_grant', 'The code was issued to another client.');
  if (grant.redirectUri !== redirectUri) throw tokenError('invalid_grant', '"redirect_uri" is not exactly the one of the authorization request.');
  if (!verifierMatches(verifier, grant.codeChallenge)) throw tokenError('invalid_grant', '"code_verifier" does not match the code_challenge.');
  const account = accounts.loadedById(grant.accountId);
  if (!account || accountIdentity(account) !== grant.accountIdentity) throw tokenError('invalid_grant', `The code is worthless: ${ACCOUNT_GONE}.`);
  // A code issued while the email was verified, exchanged once it is not (--require-verified-email): no tokens.
  const unverified = refusedAsUnverified(account, parts.requireVerifiedEmail);
  if (unverified) throw tokenError('invalid_grant', unverified);
  const userAgent = req.get('user-agent'); // for GET /auth/sessions: which device this is
  const { session, refreshToken } = await sessions.start(String(account.id), accountIdentity(account), { endOthers: singleSession, userAgent, clientId });
  // A second use of the code that came while this session was being saved: what this use got dies as well.
  if (codes.startedSession(code, session.id)) {
    await sessions.end({ sessionId: session.id }, 'authorization code reused');
    throw tokenError('invalid_grant', 'The code was used twice at once; the tokens issued for it have been revoked.');
  }
  sessionGrants.remember(session.id, { clientId, scopes: grant.scopes, authTime: grant.authTime });
  answer(parts, res, account, session, refreshToken, grant.nonce);
}

/** RFC 6749 §6: the rotation and reuse detection of /auth/refresh, over the same sessions. */
async function refresh(parts: Parts, req: Request, res: Response, body: Body): Promise<void> {
  const { sessions, sessionGrants } = parts;
  const token = required(body, 'refresh_token');
  const { clientId, client } = authenticateClient(parts.clients, req, body, parts.throttle && { throttle: parts.throttle, res });
  if (client && !client.grants.includes('refresh_token'))
    throw tokenError('unauthorized_client', `The client "${client.id}" may not use the refresh_token grant (its grants in the clients list).`);
  // A token this endpoint gave one client is refused to another before anything is spent.
  const found = sessions.lookupRefreshToken(token);
  const boundTo = found.state === 'unknown' ? undefined : (sessionGrants.get(found.session.id)?.clientId ?? found.session.clientId);
  // RFC 6749 §3.2.1: a public client names itself; a token this endpoint gave a client is that client's only.
  if (boundTo !== undefined && clientId === undefined)
    throw tokenError('invalid_request', '"client_id" is required: the refresh token was issued to a client.');
  if (boundTo !== undefined && boundTo !== clientId) throw tokenError('invalid_grant', 'The refresh token was issued to another client.');
  // RFC 6749 §5.2: a grant this server no longer honours for its account is an invalid_grant, saying why.
  const refreshed = await refreshSession(parts, token, req.get('user-agent'));
  if (refreshed.outcome === 'unverified') throw tokenError('invalid_grant', refreshed.description);
  if (refreshed.outcome === 'account-gone') throw tokenError('invalid_grant', `${ACCOUNT_GONE}.`);
  if (refreshed.outcome !== 'rotated') throw tokenError('invalid_grant', `${REFUSED_REFRESH[refreshed.outcome]}.`);
  const { account, session, refreshToken } = refreshed;
  answer(parts, res, account, session, refreshToken);
}

export function makeProviderTokenRoutes(options: ProviderTokenRoutesOptions): Router {
  const parts: Parts = {
    clients: makeClientRegistry(),
    tokensFor: () => options.tokens,
    ...options,
    sessionGrants: options.sessionGrants ?? makeSessionGrants(),
    claims: options.claims ?? [],
  };
  const router = express.Router();
  router.post(
    TOKEN_PATH,
    asyncRoute(async (req, res) => {
      noStore(res);
      const body = bodyOf(req);
      const grantType = required(body, 'grant_type');
      if (grantType === 'authorization_code') return exchangeCode(parts, req, res, body);
      if (grantType === 'refresh_token') return refresh(parts, req, res, body);
      if (grantType === 'client_credentials') return grantClientCredentials(parts, req, res, body);
      throw tokenError('unsupported_grant_type', 'The grant_type must be authorization_code, refresh_token or client_credentials.');
    }),
  );
  router.use(TOKEN_PATH, tokenErrorHandler);

  return router;
}
