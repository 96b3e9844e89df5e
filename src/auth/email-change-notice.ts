import type { Request } from 'express';
import { isEmailVerified, isSameEmail, type Account } from '../accounts/accounts-file';
import { emailChangedMail, type Mailer } from './account-mails';

/** Mails the notice of one email change, by the owner or by an admin, to the address the account had. */
export type EmailChangeNotice = (req: Request, before: Account, after: Account, by: 'owner' | 'admin') => void;

export interface EmailChangeNoticeOptions {
  mailer: Mailer;
  now: () => number;
  /** The origin of this server, as a mailed link names it (auth/issuer-policy.ts makeLinkOrigin). */
  linkOrigin: (req: Request) => string;
}

/**
 * One notice per change, sent at once: it carries no token, so the mail interval of the links has nothing to hold
 * back. Only to an old address that was verified (README "Email verification"): one nobody proved is theirs may be a
 * stranger's, and an owner changing the email back and forth would otherwise mail it without end. A changed email
 * is never verified, so each further notice to the same address waits for a link followed from its inbox.
 */
export function makeEmailChangeNotice({ mailer, now, linkOrigin }: EmailChangeNoticeOptions): EmailChangeNotice {
  return function noticeEmailChange(req, before, after, by) {
    if (before.email === undefined || after.email === undefined || isSameEmail(before, after) || !isEmailVerified(before)) return;
    const server = linkOrigin(req);
    mailer.send(emailChangedMail({ to: before.email, newEmail: after.email, server, at: new Date(now()), byAdmin: by === 'admin' }));
  };
}
