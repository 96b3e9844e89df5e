import { escapeHtml } from '../http/server-pages';
import type { Outbox, OutgoingMail } from '../mail/outbox';

/**
 * One mail of a kind an address a minute, whichever account it is for, and mails to two addresses of an account a
 * minute (account-tokens.ts mailedRecently): a script cannot fill someone's inbox, or the outbox, by asking, by
 * changing an account's email again and again, nor by registering, deleting and registering the address again.
 */
export const MAIL_INTERVAL_MS = 60_000;

/** Where the account flows send their mail: the outbox (mail/outbox.ts). */
export type Mailer = Pick<Outbox, 'send' | 'sendLater'>;

/** A mail of paragraphs, with at most one link (a notice has none), then a last word. */
function mail(to: string, subject: string, paragraphs: string[], link: { text: string; url: string } | undefined, after: string): OutgoingMail {
  const text = [...paragraphs, ...(link ? [`${link.text}:\n${link.url}`] : []), after].join('\n\n');
  const html = [
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.text)}</a></p>`] : []),
    `<p>${escapeHtml(after)}</p>`,
  ].join('\n');
  return { to, subject, text, html, links: link ? [link.url] : [] };
}

/** The verification mail of a registration or an email change. */
export function verifyMail({ to, server, link }: { to: string; server: string; link: string }): OutgoingMail {
  return mail(
    to,
    'Verify your email',
    [`Someone, hopefully you, gave ${to} as the email of an account at ${server}.`],
    { text: 'Verify this email (the link works once, for 24 hours)', url: link },
    'If it was not you, ignore this message: the email stays unverified.',
  );
}

/** The forgot-password mail (README "Password reset and email verification"). */
export function resetMail({ to, server, link }: { to: string; server: string; link: string }): OutgoingMail {
  return mail(
    to,
    'Reset your password',
    [`Someone, hopefully you, asked to reset the password of ${to} at ${server}.`],
    { text: 'Choose a new password (the link works once, for 30 minutes)', url: link },
    'If it was not you, ignore this message: the password stays as it is.',
  );
}

/**
 * The notice to the address an account had, once its email changed (README "Your own account"). No link: the
 * mail tells, and asks nothing of a reader who did not make the change beyond telling whoever runs the server.
 */
export interface EmailChangedNotice {
  /** The old address. */
  to: string;
  newEmail: string;
  server: string;
  at: Date;
  byAdmin: boolean;
}

export function emailChangedMail({ to, newEmail, server, at, byAdmin }: EmailChangedNotice): OutgoingMail {
  const who = byAdmin ? 'An administrator of the server' : 'Someone signed in to the account, who typed its password,';
  return mail(
    to,
    'Your email was changed',
    [
      `${who} changed the email of your account at ${server} from ${to} to ${newEmail}, on ${at.toISOString()}.`,
      `From now on the account's mail, password resets included, goes to ${newEmail}, not here.`,
    ],
    undefined,
    byAdmin
      ? `If you did not ask for this, tell whoever runs ${server}.`
      : `If it was not you, someone else knows your password: tell whoever runs ${server} at once, so that they give the account back its email. If it was you, there is nothing to do.`,
  );
}
