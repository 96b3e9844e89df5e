/** One login: its current refresh token (as a hash), the ones it has spent, and when it ends. */
export interface Session {
  id: string;
  userId: string;
  /**
   * Who logged in: the account's identity (accounts-file.ts, its id and email hashed). The session is that
   * account's only while the account with `userId` has this identity: not once the id is another account's.
   * Absent in files written before it existed, until bound at load to the account that has the id then.
   */
  accountIdentity?: string;
  createdAt: number;
  /** The session's absolute end: no refresh carries it further. */
  expiresAt: number;
  refreshHash: string;
  refreshExpiresAt: number;
  /** Hashes of the refresh tokens this session has spent: presenting one again is a theft signal. */
  spent: string[];
  /** When the last refresh spent a token: a repeat of that token within --refresh-reuse-interval is no theft. */
  rotatedAt?: number;
  /**
   * When the session was last used: its login, each refresh, and each request its access tokens made (those move
   * it in memory only, written with the next change of the file). Absent in older files: createdAt or rotatedAt.
   */
  lastUsedAt?: number;
  /**
   * The OpenID client its tokens were issued to, for a session the provider's token endpoint started: its refresh
   * token is that client's only (at /auth/token, authenticated as the client), never /auth/refresh's.
   */
  clientId?: string;
  /**
   * The lifetime, in seconds, its login asked for its access tokens (`expiresIn` under --allow-client-ttl): its
   * refreshes give tokens that live as long. Absent: the server's --access-ttl (and in files older than it).
   */
  accessTtlSeconds?: number;
  /** The `User-Agent` of its login, then of its latest refresh, cut to USER_AGENT_MAX_LENGTH; absent when none came. */
  userAgent?: string;
  /** When it was ended (logout, reuse, password change...); its access tokens die with it. */
  endedAt?: number;
  endedBecause?: string;
}

/** An access token revoked one by one (RFC 7009), by jti, kept until it would have expired anyway. */
export interface RevokedToken {
  jti: string;
  exp: number;
}

/** sessions.json, in the state folder. */
export interface SessionsFile {
  sessions: Session[];
  revokedTokens: RevokedToken[];
}

/** How long each thing lives, in seconds, as the options set them. */
export interface SessionLifetimes {
  sessionTtlSeconds: number;
  refreshTtlSeconds: number;
  /** How long an access token lives: an ended session is kept that long, so its tokens stay refused. */
  accessTtlSeconds: number;
}

/** The fields every session needs; a hand-edited or foreign file is checked before any of it is believed. */
export function isSession(value: unknown): value is Session {
  if (value === null || typeof value !== 'object') return false;
  const session = value as Record<string, unknown>;
  return (
    typeof session.id === 'string' &&
    typeof session.userId === 'string' &&
    typeof session.refreshHash === 'string' &&
    (session.accountIdentity === undefined || typeof session.accountIdentity === 'string') &&
    ['createdAt', 'expiresAt', 'refreshExpiresAt'].every((field) => typeof session[field] === 'number') &&
    Array.isArray(session.spent) &&
    session.spent.every((hash) => typeof hash === 'string') &&
    (session.endedAt === undefined || typeof session.endedAt === 'number') &&
    (session.lastUsedAt === undefined || typeof session.lastUsedAt === 'number') &&
    (session.userAgent === undefined || typeof session.userAgent === 'string') &&
    (session.clientId === undefined || typeof session.clientId === 'string') &&
    (session.accessTtlSeconds === undefined || typeof session.accessTtlSeconds === 'number')
  );
}

/**
 * The sessions and revocations a sessions file holds, checked: a session that is not one makes the whole file
 * unbelievable (`fail` says why); a malformed revocation alone is skipped.
 */
export function checkSessionsFile(file: string, content: unknown, fail: (message: string) => Error): SessionsFile {
  const { sessions, revokedTokens } = (content ?? {}) as Partial<Record<keyof SessionsFile, unknown>>;
  if (!Array.isArray(sessions) || !Array.isArray(revokedTokens)) throw fail(`${file}: expected { "sessions": [], "revokedTokens": [] }`);
  sessions.forEach((session: unknown, index) => {
    if (!isSession(session)) throw fail(`${file}: sessions[${index}] is not a session`);
  });
  const wellFormed = (token: Partial<RevokedToken> | null): token is RevokedToken => typeof token?.jti === 'string' && typeof token.exp === 'number';
  return { sessions: sessions as Session[], revokedTokens: (revokedTokens as Array<Partial<RevokedToken> | null>).filter(wellFormed) };
}

/** When a refresh token given at `now` expires: its own lifetime, but never past the session's end. */
export function refreshExpiry(now: number, sessionEnd: number, lifetimes: Pick<SessionLifetimes, 'refreshTtlSeconds'>): number {
  return Math.min(now + lifetimes.refreshTtlSeconds * 1000, sessionEnd);
}

/** A user agent is the client's to write: a few hundred characters say which browser; the rest is not kept. */
export const USER_AGENT_MAX_LENGTH = 256;

/** The user agent as a session keeps it: cut to USER_AGENT_MAX_LENGTH; undefined when none (or an empty one) came. */
export function keptUserAgent(userAgent: string | undefined): string | undefined {
  return userAgent ? userAgent.slice(0, USER_AGENT_MAX_LENGTH) : undefined;
}

/** A session started at `now`, whose first refresh token has the hash `refreshHash`. */
export function newSession(
  start: {
    id: string;
    userId: string;
    accountIdentity: string;
    refreshHash: string;
    now: number;
    userAgent?: string;
    clientId?: string;
    accessTtlSeconds?: number;
  },
  lifetimes: SessionLifetimes,
): Session {
  const { id, userId, accountIdentity, refreshHash, now } = start;
  const expiresAt = now + lifetimes.sessionTtlSeconds * 1000;
  const userAgent = keptUserAgent(start.userAgent);
  return {
    id,
    userId,
    accountIdentity,
    createdAt: now,
    expiresAt,
    refreshHash,
    refreshExpiresAt: refreshExpiry(now, expiresAt, lifetimes),
    spent: [],
    lastUsedAt: now,
    ...(start.clientId === undefined ? {} : { clientId: start.clientId }),
    ...(start.accessTtlSeconds === undefined ? {} : { accessTtlSeconds: start.accessTtlSeconds }),
    ...(userAgent === undefined ? {} : { userAgent }),
  };
}

/** When a session was last used; for a file older than `lastUsedAt`, its last refresh or its login. */
export function lastUsed(session: Session): number {
  return session.lastUsedAt ?? session.rotatedAt ?? session.createdAt;
}

/** Whether a session can still carry access tokens and refreshes. */
export function isActive(session: Session | undefined, now: number): session is Session {
  return session !== undefined && session.endedAt === undefined && session.expiresAt > now;
}

/** Whether its current refresh token can still be spent. */
export function isRefreshable(session: Session, now: number): boolean {
  return isActive(session, now) && session.refreshExpiresAt > now;
}
