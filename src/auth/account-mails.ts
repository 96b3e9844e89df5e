import { escapeHtml } from '../http/server-pages';
import type { Outbox, OutgoingMail } from '../mail/outbox';

/**
 * One mail of a kind an address a minute, and to few addresses of an account (account-tokens.ts mailedRecently): a
 * script cannot fill someone's inbox, or the outbox, by asking, nor by changing the account's email again and again.
 */
export const MAIL_INTERVAL_MS = 60_000;

/** Where the account flows send their mail: the outbox (mail/outbox.ts). */
export type Mailer = Pick<Outbox, 'send' | 'sendLater'>;

function mail(to: string, subject: string, paragraphs: string[], link: { text: string; url: string }, after: string): OutgoingMail {
  const text = [...paragraphs, `${link.text}:\n${link.url}`, after].join('\n\n');
  const html = [
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.text)}</a></p>`,
    `<p>${escapeHtml(after)}</p>`,
  ].join('\n');
  return { to, subject, text, html, links: [link.url] };
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
