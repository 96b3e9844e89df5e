import express, { type Request, type Router } from 'express';
import { noRouteError } from '../http/errors';
import { toPublicUser } from '../accounts/accounts-file';
import type { SessionStore } from '../sessions/session-store';
import { requireAuthentication, type Authenticator } from './authenticate';
import { LOGIN_PATHS, REGISTER_PATHS } from './endpoints';
import { makeAdminRoutes } from './admin-routes';
import { asyncRoute } from '../http/async-route';
import { makeCookieRequestCheck, type CookieSettings } from './cookies';
import { callerAccount } from './session-account';
import { makeSessionListRoutes } from './session-list-routes';
import { makeSessionRoutes } from './session-routes';
import { makePasswordResetRoutes, type PasswordResetOptions } from './password-reset-routes';
import { makeTokenRoutes } from './token-routes';
import { makeVerifyEmailRoutes, sendVerificationLater } from './verify-email-routes';
import { makeDeleteAccountRoute } from './delete-account-route';
import { makeEmailChangeNotice } from './email-change-notice';
import { makeOwnProfileRoute } from './own-profile-route';
import { trustedProfile } from './trust/trusted-caller';
import type { LoginThrottle } from '../throttle/login-throttle';
import { makeLoginRoutes, type LoginRoutesOptions } from './login-routes';

export interface AuthRoutesOptions extends Omit<LoginRoutesOptions, 'requireVerifiedEmail' | 'sendVerification'> {
  sessions: SessionStore;
  cookie?: CookieSettings;
  /** Tells whether a token in a request's body (revoke, introspect) is good; the caller's own was checked once, before. */
  authenticator: Pick<Authenticator, 'activeClaims'>;
  /** Forgot and reset password, email verification: the mailed links' tokens, the outbox, the reset link. */
  accountFlows: Omit<PasswordResetOptions, 'accounts' | 'sessions' | 'throttle' | 'passwordMinLength'> & {
    /** --require-verified-email: an account whose email is not verified cannot log in. */
    requireVerifiedEmail: boolean;
    /** Counts the mail requests (forgot, resend) per email and address, apart from failed logins. */
    mailThrottle: LoginThrottle;
  };
}

export function makeAuthRoutes(options: AuthRoutesOptions): Router {
  const { accounts, sessions, registerAtUsers } = options;
  const router = express.Router();
  const flows = { ...options.accountFlows, accounts, sessions, throttle: options.accountFlows.mailThrottle };

  const me = asyncRoute(async (req, res) => {
    const claims = requireAuthentication(req);
    await accounts.reloadIfChangedOnDisk();
    res.json(claims.trusted ? trustedProfile(accounts, claims) : toPublicUser(await callerAccount(accounts, sessions, claims)));
  });

  router.use(makeSessionListRoutes(options)); // first: it notes every request of a live session, for "last used"
  router.post([...LOGIN_PATHS, ...REGISTER_PATHS, ...(registerAtUsers ? ['/users'] : [])], makeCookieRequestCheck(options.cookie));
  const sendVerification = (req: Request, account: { id: string | number }) => sendVerificationLater(flows, req, () => accounts.findById(String(account.id)));
  router.use(makeLoginRoutes({ ...options, requireVerifiedEmail: options.accountFlows.requireVerifiedEmail, sendVerification }));
  router.get('/auth/me', me);
  const noticeEmailChange = makeEmailChangeNotice(flows);
  router.use(makeOwnProfileRoute({ accounts, sessions, throttle: options.throttle, verification: flows, noticeEmailChange }));
  router.use(makeDeleteAccountRoute({ accounts, sessions, throttle: options.throttle }));
  router.use(makeSessionRoutes({ ...options, resetLinks: options.accountFlows.tokens, requireVerifiedEmail: options.accountFlows.requireVerifiedEmail }));
  router.use(makeTokenRoutes(options));
  router.use(makeAdminRoutes(accounts, sessions, { links: options.accountFlows.tokens, notice: noticeEmailChange }));
  router.use(makePasswordResetRoutes({ ...flows, passwordMinLength: options.passwordMinLength }));
  router.use(makeVerifyEmailRoutes(flows));
  // Anything else under /auth is ours too, and does not exist: never let it fall through to json-server.
  router.all(['/auth', '/auth/*'], (req, _res, next) => next(noRouteError(req)));
  return router;
}
