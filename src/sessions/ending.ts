import type { Session } from './session';

/** Why a session ended, as `endedBecause` records it, for the endings the session rules decide themselves. */
export const ENDED_BECAUSE = {
  newerLogin: 'a newer login (--single-session)',
  reuse: 'a spent refresh token was presented again',
  orphan: 'account deleted or replaced',
} as const;

/** The identity of the account that has this user id now; undefined when there is none. */
export type IdentityOf = (userId: string) => string | undefined;

/** Which sessions to end: one, or every session of a user but the one kept. */
export type SessionSelection = { sessionId: string } | { userId: string; except?: string };

export function selectedBy(select: SessionSelection): (session: Session) => boolean {
  if ('sessionId' in select) return (session) => session.id === select.sessionId;
  return (session) => session.userId === select.userId && session.id !== select.except;
}

/** A session whose account is gone: deleted, replaced by another account with its id, or its email edited by hand. */
export function orphanedBy(identityOf: IdentityOf): (session: Session) => boolean {
  return (session) => session.accountIdentity === undefined || session.accountIdentity !== identityOf(session.userId);
}

/** Ends the sessions `chosen` picks that have not ended yet, at `now`; true when there was one. */
export function markEnded(sessions: Iterable<Session>, chosen: (session: Session) => boolean, because: string, now: number): boolean {
  let changed = false;
  for (const session of sessions) {
    if (session.endedAt !== undefined || !chosen(session)) continue;
    session.endedAt = now;
    session.endedBecause = because;
    changed = true;
  }
  return changed;
}

/**
 * Where the sessions of an account went when its identity changed (an email change through the API): a session
 * read later from the file, with an identity moved from, is given the identity it moved to.
 */
export class IdentityMoves {
  private readonly movedTo = new Map<string, string>();

  /** Records a move from `from` to `to`; earlier moves to `from` now lead to `to`. */
  record(from: string, to: string): void {
    for (const [old, current] of this.movedTo) if (current === from) this.movedTo.set(old, to);
    this.movedTo.set(from, to);
    this.movedTo.delete(to);
  }

  /** The identity `identity` has become, itself when it never moved. */
  follow(identity: string): string {
    return this.movedTo.get(identity) ?? identity;
  }
}

/** Moves every session bound to `from` to `to`; true when there was one. */
export function rebindSessions(sessions: Iterable<Session>, from: string, to: string): boolean {
  let changed = false;
  for (const session of sessions) {
    if (session.accountIdentity !== from) continue;
    session.accountIdentity = to;
    changed = true;
  }
  return changed;
}

/**
 * Gives a session read from a file the identity it belongs to now: for a file older than identities, the one of
 * the account with its user id (once `identityOf` is known); for a moved identity, where it moved. True when it changed.
 */
export function bindIdentity(session: Session, identityOf: IdentityOf | undefined, moves: IdentityMoves): boolean {
  const before = session.accountIdentity;
  session.accountIdentity = before === undefined ? identityOf?.(session.userId) : moves.follow(before);
  return session.accountIdentity !== before;
}
