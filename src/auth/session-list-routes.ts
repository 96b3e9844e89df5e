import express, { type RequestHandler, type Router } from 'express';
import { notFound } from '../errors';
import type { AccountStore } from '../accounts/account-store';
import { asyncRoute } from '../http/async-route';
import { lastUsed } from '../sessions/session';
import type { Session, SessionStore } from '../sessions/session-store';
import { requireOwnSession } from './authenticate';
import { clearRefreshCookie, type CookieSettings } from './cookies';
import { callerAccount } from './session-account';
import type { AccessClaims } from './tokens';

export interface SessionListRoutesOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  cookie?: CookieSettings;
}

/** One session as its owner sees it in GET /auth/sessions: never a token, nor a hash of one. */
export interface SessionView {
  id: string;
  current: boolean;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
}

const iso = (milliseconds: number) => new Date(milliseconds).toISOString();

function viewOf(session: Session, caller: AccessClaims): SessionView {
  return {
    id: session.id,
    current: session.id === caller.sid,
    createdAt: iso(session.createdAt),
    lastUsedAt: iso(lastUsed(session)),
    userAgent: session.userAgent ?? null,
  };
}

/**
 * The caller's live sessions: those of its account (same identity, so never those an account once holding its id
 * left behind), newest use first.
 */
async function callerSessions({ accounts, sessions }: SessionListRoutesOptions, caller: AccessClaims): Promise<Session[]> {
  await callerAccount(accounts, sessions, caller); // a 401 when the caller's own session or account is gone
  const identity = sessions.activeSession(caller.sid)?.accountIdentity;
  const own = await sessions.activeSessionsOf(caller.sub);
  return own.filter((session) => session.accountIdentity === identity).sort((a, b) => lastUsed(b) - lastUsed(a));
}

/**
 * Notes, for "last used", each request a live access token makes (in memory: no write per request). Runs for every
 * request that reaches the auth routes, which are mounted for every path right after the authenticate step.
 */
function makeRecordSessionUse(sessions: SessionStore): RequestHandler {
  return function recordSessionUse(req, _res, next) {
    if (req.auth && !req.auth.trusted) sessions.recordUse(req.auth.sid);
    next();
  };
}

/** GET /auth/sessions lists the caller's sessions; DELETE /auth/sessions/:id ends one ("sign out that device"). */
export function makeSessionListRoutes(options: SessionListRoutesOptions): Router {
  const { sessions, cookie } = options;
  const router = express.Router();
  router.use(makeRecordSessionUse(sessions));

  router.get(
    '/auth/sessions',
    asyncRoute(async (req, res) => {
      const caller = requireOwnSession(req, 'The session list');
      res.set('Cache-Control', 'no-store');
      res.json((await callerSessions(options, caller)).map((session) => viewOf(session, caller)));
    }),
  );

  router.delete(
    '/auth/sessions/:id',
    asyncRoute(async (req, res) => {
      const caller = requireOwnSession(req, 'Ending a session');
      const target = (await callerSessions(options, caller)).find((session) => session.id === req.params.id);
      // Another user's session, an ended one and one that never was get the same answer: ids tell nothing.
      if (!target) throw notFound('No session of yours has this id (GET /auth/sessions lists them).');
      await sessions.end({ sessionId: target.id }, 'signed out from another session');
      if (cookie && target.id === caller.sid) clearRefreshCookie(res, cookie);
      res.status(204).end();
    }),
  );

  return router;
}
