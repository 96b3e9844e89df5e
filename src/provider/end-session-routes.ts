import express, { type Request, type Response, type Router } from 'express';
import type { IssuerPolicy } from '../auth/issuer-policy';
import { isOwnPageOrigin } from '../http/origins';
import type { SigningKeys } from '../auth/signing-keys';
import { asyncRoute } from '../http/async-route';
import type { SessionStore } from '../sessions/session-store';
import { bodyParameters, queryParameters, type ParameterSource } from './authorization-request';
import type { ClientRegistry } from './client-registry';
import { redirectWith } from './clients';
import { CSRF_COOKIE, CSRF_FIELD, csrfTokenFor, csrfTokensMatch, PROVIDER_COOKIE_PATH, setCsrfCookie } from './csrf';
import { readCookie } from '../auth/cookies';
import { CONFIRM_FIELD, renderConfirmationPage, renderSignedOutPage } from './end-session-page';
import { checkEndSessionRequest, readIdTokenHint, type EndSessionRequest, type IdTokenHint } from './end-session-request';
import { securePageHeaders, sendErrorPage } from '../http/page-headers';
import { END_SESSION_PATH } from './paths';
import { PROVIDER_SESSION_COOKIE, type ProviderSessions } from './provider-sessions';

export interface EndSessionRoutesOptions {
  sessions: Pick<SessionStore, 'end'>;
  providerSessions: ProviderSessions;
  /** The server's keys: an id_token_hint must be signed with one of them. */
  keys: SigningKeys;
  /** An id_token_hint's `iss` must be one this accepts. */
  issuer: IssuerPolicy;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** --redirect-uri: post-logout redirect URIs accepted exactly as written, besides loopback ones. */
  redirectUris?: readonly string[];
  /** The clients list: a client's postLogoutRedirectUris are its only ones. */
  clients?: ClientRegistry;
  /** Where the sign-in cookie went (paths.ts): each copy is cleared. */
  signInCookiePaths?: readonly string[];
}

const refuseRequest = (res: Response, problem: string) =>
  sendErrorPage(res, 'This sign-out request cannot go back to its app', `${problem} The app that sent you here is misconfigured.`);

/**
 * Ends the browser's provider session (and forgets its cookie), so that the next authorization asks for a password.
 * With a hint, only when it is the hint's account: someone else's ID token does not sign this browser out.
 */
async function endProviderSession(options: EndSessionRoutesOptions, req: Request, res: Response, hint?: IdTokenHint): Promise<void> {
  const { providerSessions } = options;
  const cookieValue = readCookie(req, PROVIDER_SESSION_COOKIE);
  const session = providerSessions.find(cookieValue);
  if (hint && session && session.accountId !== hint.accountId) return;
  // Every app session this sign-in started ends with it: the person signed out of this browser's sign-in, not
  // of one app (the hint's session, when one came, has ended already).
  await providerSessions.end(cookieValue);
  if (cookieValue !== undefined)
    for (const path of options.signInCookiePaths ?? [PROVIDER_COOKIE_PATH])
      res.clearCookie(PROVIDER_SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path, secure: req.secure });
}

/** §3: back to the app with its state, or, when it named nowhere to go, a page that says it is done. */
function finish(res: Response, { redirectUrl, state }: EndSessionRequest): void {
  const nonce = securePageHeaders(res, redirectUrl);
  if (redirectUrl)
    return void res
      .status(302)
      .location(state === undefined ? redirectUrl.href : redirectWith(redirectUrl, { state }))
      .end();
  res.status(200).type('html').send(renderSignedOutPage(nonce));
}

function askToConfirm(options: EndSessionRoutesOptions, req: Request, res: Response, request: EndSessionRequest): void {
  const nonce = securePageHeaders(res, request.redirectUrl);
  const csrfToken = csrfTokenFor(req);
  setCsrfCookie(req, res, csrfToken);
  res
    .status(200)
    .type('html')
    .send(renderConfirmationPage({ server: options.issuer.issuerFor(req), request, csrfToken }, nonce));
}

/**
 * RP-Initiated Logout 1.0 §2, a GET or an app's POST: with a valid id_token_hint, its session (its access and refresh
 * tokens die at once) and the provider session end; without one, the person is asked first.
 */
async function endSession(options: EndSessionRoutesOptions, req: Request, res: Response, source: ParameterSource): Promise<void> {
  const hint = readIdTokenHint(source('id_token_hint'), options);
  const checked = checkEndSessionRequest(source, hint, options);
  if (!checked.ok) return refuseRequest(res, checked.problem);
  if (!hint) return askToConfirm(options, req, res, checked.request);
  await options.sessions.end({ sessionId: hint.sessionId }, 'end session');
  await endProviderSession(options, req, res, hint);
  finish(res, checked.request);
}

/**
 * The confirmation form's answer: only a form this server gave this browser may sign it out (its own origin, and the
 * double-submit CSRF token, as the login form). It ends the browser's sign-in, and with it the app sessions it started.
 */
async function confirmEndSession(options: EndSessionRoutesOptions, req: Request, res: Response, source: ParameterSource): Promise<void> {
  // As the login form (authorize-routes.ts): a page on another port of localhost may plant a CSRF cookie for this
  // host, so the form must also come from this server's own origin.
  const fromOwnPage = isOwnPageOrigin(req, req.get('origin'));
  if (!fromOwnPage || !csrfTokensMatch(readCookie(req, CSRF_COOKIE), source(CSRF_FIELD))) {
    const message = 'The form was not sent from a sign-out page of this server, or that page is too old. Nothing was signed out.';
    return sendErrorPage(res, 'This sign-out form cannot be trusted', message);
  }
  const checked = checkEndSessionRequest(source, undefined, options);
  if (!checked.ok) return refuseRequest(res, checked.problem);
  await endProviderSession(options, req, res);
  finish(res, checked.request);
}

/** GET and POST on END_SESSION_PATH (RP-Initiated Logout 1.0), and the POST of its confirmation form. */
export function makeEndSessionRoutes(options: EndSessionRoutesOptions): Router {
  const router = express.Router();
  // req.url: as routes.json rewrote it; qs would nest `a[b]`, URLSearchParams keeps repeats apart.
  router.get(
    END_SESSION_PATH,
    asyncRoute((req, res) => endSession(options, req, res, queryParameters(req.url))),
  );
  router.post(
    END_SESSION_PATH,
    asyncRoute(async (req, res) => {
      const fields = bodyParameters(req.body);
      if (fields(CONFIRM_FIELD) !== undefined) return void (await confirmEndSession(options, req, res, fields));
      await endSession(options, req, res, fields);
    }),
  );
  return router;
}
