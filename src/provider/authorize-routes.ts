import express, { type Request, type Response, type Router } from 'express';
import type { AccountStore } from '../accounts/account-store';
import type { Account } from '../accounts/accounts-file';
import { checkInTurn, waitMessage } from '../throttle/attempts';
import { findByIdentifier, identifierText, loginAttempt, type LoginField, type LoginIdentifier } from '../auth/login-identifier';
import { refusedAsUnverified } from '../auth/unverified-refusal';
import type { LoginThrottle } from '../throttle/login-throttle';
import { verifyPassword } from '../accounts/passwords';
import type { DecoyFor } from '../auth/decoys';
import { asyncRoute } from '../http/async-route';
import { isFromThisMachine } from '../http/local-request';
import { isOwnPageOrigin } from '../http/origins';
import { securePageHeaders as secureHeaders, sendErrorPage } from '../http/page-headers';
import {
  bodyParameters,
  checkAuthorizationRequest,
  queryParameters,
  type AuthorizationRequest,
  type Checked,
  type ResponseMode,
} from './authorization-request';
import type { ClientRegistry } from './client-registry';
import { redirectWith } from './clients';
import type { CodeStore } from './codes';
import { CSRF_COOKIE, CSRF_FIELD, csrfTokenFor, csrfTokensMatch, PROVIDER_COOKIE_PATH, setCsrfCookie } from './csrf';
import { readCookie } from '../auth/cookies';
import { renderLoginPage } from './login-page';
import { AUTHORIZE_PATH } from './paths';
import { PROVIDER_SESSION_COOKIE, type ProviderSession, type ProviderSessions } from './provider-sessions';
import { sendWebMessage } from './web-message';

export interface AuthorizeRoutesOptions {
  accounts: AccountStore;
  codes: CodeStore;
  providerSessions: ProviderSessions;
  /** The hash checked when the email is unknown, as /auth/login does (auth/decoys.ts). */
  decoyFor: DecoyFor;
  /** The issuer, sent back as `iss` with every answer (RFC 9207). */
  issuer: (req: Request) => string;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** --redirect-uri: redirect URIs accepted exactly as written, besides loopback ones. */
  redirectUris?: readonly string[];
  /** The clients list: exact redirect URIs, and the name the login page shows. */
  clients?: ClientRegistry;
  /** Where the sign-in cookie goes (paths.ts): /auth, and a preset's /authorize and /v2/logout. */
  signInCookiePaths?: readonly string[];
  /** Failed sign-ins counted with /auth/login's (README "Rate limits"). */
  throttle: LoginThrottle;
  /** --require-verified-email: an unverified account is told so, as /auth/login does, and not signed in. */
  requireVerifiedEmail?: boolean;
  /** --login-field: the name the page asks for; a post may send either (README "Login by username"). */
  loginField?: LoginField;
}

const wrongCredentials = (field: LoginField) => `The ${field} or password is incorrect.`;

// An email or a password longer than any real one is none (and a 9 MB "email" is not echoed into the page).
const text = (value: unknown) => (typeof value === 'string' && value.length <= 1024 ? value : '');

/**
 * RFC 6749 §4.1.2 and RFC 9207: back to the client, with `iss` so it knows which provider answered; by a redirect,
 * or with response_mode=web_message by a page that posts it to the app's window.
 */
function redirectBack(
  options: AuthorizeRoutesOptions,
  req: Request,
  res: Response,
  { redirectUrl, responseMode }: { redirectUrl: URL; responseMode: ResponseMode },
  parameters: Record<string, string | undefined>,
): void {
  if (responseMode === 'web_message') return sendWebMessage(res, redirectUrl, { ...parameters, iss: options.issuer(req) });
  secureHeaders(res, redirectUrl);
  res
    .status(302)
    .location(redirectWith(redirectUrl, { ...parameters, iss: options.issuer(req) }))
    .end();
}

/** Answers a request that is not valid; false when it is (then the caller goes on with it). */
function answerInvalid(options: AuthorizeRoutesOptions, req: Request, res: Response, checked: Checked): checked is Exclude<Checked, { outcome: 'valid' }> {
  if (checked.outcome === 'refused') {
    sendErrorPage(res, 'This sign-in request cannot go back to its app', `${checked.problem} The app that sent you here is misconfigured.`);
    return true;
  }
  if (checked.outcome === 'redirect-error') {
    redirectBack(options, req, res, checked, { error: checked.error, error_description: checked.description, state: checked.state });
    return true;
  }
  return false;
}

/** The provider session of the request's cookie and its account, if that account still is the one that signed in. */
async function currentSession(
  { accounts, providerSessions }: AuthorizeRoutesOptions,
  req: Request,
): Promise<{ session: ProviderSession; account: Account } | undefined> {
  const cookieValue = readCookie(req, PROVIDER_SESSION_COOKIE);
  const session = providerSessions.find(cookieValue);
  if (!session) return undefined;
  await accounts.reloadIfChangedOnDisk();
  const account = accounts.loadedById(session.accountId);
  if (account && accounts.identityOf(session.accountId) === session.accountIdentity) return { session, account };
  await providerSessions.end(cookieValue); // deleted, or its email changed: the sign-in ends as a sign-out would
  return undefined;
}

/**
 * A new login, a new id (session fixation). The same account signing in again (prompt=login, max_age) keeps the
 * apps it signed in to, so a later sign-out still ends them; another account signing in on this browser ends the
 * previous one's sign-in first, as a sign-out would (its apps' sessions with it).
 */
async function signInAgain(providerSessions: ProviderSessions, oldCookieValue: string | undefined, account: Account): Promise<string> {
  const previous = providerSessions.find(oldCookieValue);
  if (oldCookieValue !== undefined && previous?.accountId === String(account.id)) return providerSessions.renew(oldCookieValue, account);
  await providerSessions.end(oldCookieValue);
  return providerSessions.start(account);
}

/** Whether a session may answer without the form: not when prompt=login, nor when older than max_age. */
function satisfies(now: () => number, session: ProviderSession, request: AuthorizationRequest): boolean {
  if (request.prompt === 'login') return false;
  if (request.maxAge === undefined) return true;
  // OIDC Core §3.1.2.1: max_age=0 is prompt=login.
  return request.maxAge > 0 && Math.floor(now() / 1000) - session.authTime <= request.maxAge;
}

/**
 * A code from the browser's sign-in, unless --require-verified-email refuses its account now (users.json edited by
 * hand to "emailVerified": false since; a changed email ends the sign-in already): prompt=none is told
 * login_required, as no sign-in here may answer it; an interactive request gets the login page's refusal. The
 * sign-in stays: once the link is followed, it answers again.
 */
function answerFromSignIn(
  options: AuthorizeRoutesOptions,
  req: Request,
  res: Response,
  request: AuthorizationRequest,
  { session, account }: { session: ProviderSession; account: Account },
): void {
  const refused = refusedAsUnverified(account, options.requireVerifiedEmail);
  if (!refused) return issueCode(options, req, res, request, session);
  if (request.prompt === 'none') return redirectBack(options, req, res, request, { error: 'login_required', error_description: refused, state: request.state });
  const typed = (options.loginField === 'username' ? account.username : account.email) ?? '';
  showForm(options, req, res, request, { typed, wait: refused, status: 403 });
}

function issueCode(options: AuthorizeRoutesOptions, req: Request, res: Response, request: AuthorizationRequest, session: ProviderSession): void {
  const { clientId, redirectUri, codeChallenge, nonce, scopes, state } = request;
  const { accountId, accountIdentity, authTime, id: signIn } = session;
  const code = options.codes.issue({ clientId, redirectUri, codeChallenge, nonce, scopes, accountId, accountIdentity, authTime, signIn });
  redirectBack(options, req, res, request, { code, state });
}

/** `failed`: the form again after a wrong password (401), during a wait (429, saying how long), or another refusal. */
function showForm(
  options: AuthorizeRoutesOptions,
  req: Request,
  res: Response,
  request: AuthorizationRequest,
  failed?: { typed: string; wait?: string; status?: number },
): void {
  const { accounts, clients } = options;
  const nonce = secureHeaders(res, request.redirectUrl);
  const csrfToken = csrfTokenFor(req);
  setCsrfCookie(req, res, csrfToken);
  // As the playground: the demo accounts, passwords in the page, are for the person at this machine's keyboard.
  const demoAccounts = isFromThisMachine(req) ? accounts.demoAccounts() : [];
  const loginField = options.loginField ?? 'email';
  const typed = failed ? failed.typed : request.loginHint;
  const error = failed ? (failed.wait ?? wrongCredentials(loginField)) : undefined;
  const view = { request, clientName: clients?.find(request.clientId)?.name, csrfToken, loginField, typed, error, demoAccounts };
  res
    .status(failed ? (failed.status ?? (failed.wait ? 429 : 401)) : 200)
    .type('html')
    .send(renderLoginPage(view, nonce));
}

/** GET and POST on AUTHORIZE_PATH: the authorization request, and the login form that posts it back with credentials. */
export function makeAuthorizeRoutes(options: AuthorizeRoutesOptions): Router {
  const { accounts, providerSessions, decoyFor, now } = options;
  const rules = { redirectUris: options.redirectUris, clients: options.clients };
  const router = express.Router();

  const authorize = asyncRoute(async (req, res) => {
    const checked = checkAuthorizationRequest(queryParameters(req.url), rules); // req.url: as routes.json rewrote it
    if (answerInvalid(options, req, res, checked)) return;
    const { request } = checked;
    const signedIn = await currentSession(options, req);
    if (signedIn && satisfies(now, signedIn.session, request)) return answerFromSignIn(options, req, res, request, signedIn);
    if (request.prompt !== 'none') return showForm(options, req, res, request);
    const reason = signedIn ? 'The sign-in is older than max_age allows' : 'Nobody is signed in at this provider';
    const error_description = `${reason}, and prompt=none forbids asking.`;
    redirectBack(options, req, res, request, { error: 'login_required', error_description, state: request.state });
  });

  const signIn = asyncRoute(async (req, res) => {
    const fields = bodyParameters(req.body);
    const checked = checkAuthorizationRequest(fields, rules);
    // Before anything the form says is believed (but for where it may go back): only a form this server gave this
    // browser may sign it in.
    // The form is this server's page: a post from any other origin, even another port of localhost (whose pages may
    // plant cookies for this host, CSRF cookie included), is a login CSRF attempt, not a sign-in.
    const fromOwnPage = isOwnPageOrigin(req, req.get('origin'));
    if (checked.outcome !== 'refused' && (!fromOwnPage || !csrfTokensMatch(readCookie(req, CSRF_COOKIE), fields(CSRF_FIELD)))) {
      const message = 'The form was not sent from a sign-in page of this server, or that page is too old. Go back to the app and sign in again.';
      return sendErrorPage(res, 'This sign-in form cannot be trusted', message);
    }
    if (answerInvalid(options, req, res, checked)) return;
    const { request } = checked;
    // The page asks for the --login-field name; a demo account's form, or another page, may send the other one.
    const typedUsername = text(fields('username'));
    const identifier: LoginIdentifier = typedUsername !== '' ? { username: typedUsername } : { email: text(fields('email')) };
    const typed = identifierText(identifier);
    const account = typed === '' ? undefined : await findByIdentifier(accounts, identifier);
    // Counted as /auth/login counts (README "Rate limits"): one account, one count, whichever door is knocked on.
    const attempt = loginAttempt(req, account ?? identifier);
    const outcome = await checkInTurn(options.throttle, res, attempt, async () => {
      // An unknown name costs what a wrong password costs, and gets the same page: no hint that it exists.
      return (await verifyPassword(text(fields('password')), account?.password ?? decoyFor(typed))) && account !== undefined;
    });
    if ('wait' in outcome)
      return showForm(options, req, res.set('Retry-After', String(outcome.wait.retryAfterSeconds)), request, {
        typed,
        wait: waitMessage(attempt, outcome.wait),
      });
    if (!account || !outcome.matches) return showForm(options, req, res, request, { typed });
    const unverified = refusedAsUnverified(account, options.requireVerifiedEmail);
    if (unverified) return showForm(options, req, res, request, { typed, wait: unverified, status: 403 });
    const cookieValue = await signInAgain(providerSessions, readCookie(req, PROVIDER_SESSION_COOKIE), account);
    for (const path of options.signInCookiePaths ?? [PROVIDER_COOKIE_PATH])
      res.cookie(PROVIDER_SESSION_COOKIE, cookieValue, { httpOnly: true, sameSite: 'lax', path, secure: req.secure });
    issueCode(options, req, res, request, providerSessions.find(cookieValue)!);
  });

  router.get(AUTHORIZE_PATH, authorize);
  router.post(AUTHORIZE_PATH, signIn);
  return router;
}
