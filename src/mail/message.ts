import { randomBytes } from 'node:crypto';
import { encodeHeaderText, encodeQuotedPrintable, rfc5322Date } from './mime';

/** Everything one message holds; `date` in milliseconds since the epoch (the server's injectable clock). */
export interface MessageFields {
  from: string;
  to: string;
  subject: string;
  date: number;
  messageId: string;
  text: string;
  html: string;
  /** The links the message is about (a reset link, say): written as LINK_HEADER headers, read back by the outbox. */
  links: string[];
}

/** One header a link, so the outbox and a test read the links back exactly, whatever the text and HTML do with them. */
export const LINK_HEADER = 'X-Fake-Jwt-Api-Link';

/** The domain of our Message-IDs: no mail leaves this machine, so no real domain is claimed. */
const MESSAGE_ID_DOMAIN = 'fake-jwt-api.local';

/** RFC 5322 §3.6.4: unique, and `<id-left@id-right>`. */
export const newMessageId = () => `<${randomBytes(16).toString('hex')}@${MESSAGE_ID_DOMAIN}>`;

const hasControlCharacter = (value: string) => [...value].some((character) => character < ' ' || character === '\u007f');

/**
 * A header value must be one line: a CR or LF in it would end the header and start another ("\r\nBcc: ..."),
 * and other control characters have no business in a header either. Refused, never stripped: a value that holds
 * them is a caller's bug, and a mail to a mangled address is worse than none.
 */
export function requireOneLine(field: string, value: string): string {
  if (hasControlCharacter(value)) throw new TypeError(`The mail's ${field} must be one line without control characters: ${JSON.stringify(value)}.`);
  return value;
}

/** RFC 5322 §3.2.3 atext, plus any non-ASCII character (RFC 6532 lets UTF-8 into addresses). */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+)*$/;

/**
 * An account's email as an RFC 5322 addr-spec: accounts may have emails whose local part needs quoting
 * (`"a,b"@example.com`), which is done here; a domain that no quoting makes an address is refused.
 */
export function formatAddress(address: string): string {
  requireOneLine('address', address);
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (at < 1 || !DOT_ATOM.test(domain)) throw new TypeError(`The mail's address must be an email address like alice@example.com: ${JSON.stringify(address)}.`);
  return DOT_ATOM.test(local) ? address : `"${local.replace(/["\\]/g, '\\$&')}"@${domain}`;
}

/** The address formatAddress wrote, its local part unquoted. */
export function parseAddress(written: string): string {
  const quoted = /^"((?:[^"\\]|\\.)*)"@(.*)$/.exec(written.trim());
  return quoted ? `${quoted[1].replace(/\\(.)/g, '$1')}@${quoted[2]}` : written.trim();
}

/** A link goes into a header: one line, no white space, and short enough for a header line (RFC 5322 §2.1.1: 998). */
function requireLink(link: string): string {
  if (/\s/.test(link) || hasControlCharacter(link) || link.length > 900)
    throw new TypeError(`A mail's link must be one URL of at most 900 characters: ${JSON.stringify(link)}.`);
  return link;
}

function part(contentType: string, body: string): string[] {
  return [`Content-Type: ${contentType}; charset=utf-8`, 'Content-Transfer-Encoding: quoted-printable', '', encodeQuotedPrintable(body)];
}

/**
 * The message as an RFC 5322 file (CRLF line endings) with a text and an HTML alternative, each quoted-printable so
 * long lines and UTF-8 survive. Throws a TypeError for a header value that is not one line (requireOneLine).
 */
export function composeMessage(fields: MessageFields): string {
  const boundary = `=_fake-jwt-api_${randomBytes(12).toString('hex')}`;
  const headers = [
    `From: ${requireOneLine('From', fields.from)}`,
    `To: ${formatAddress(fields.to)}`,
    `Subject: ${encodeHeaderText(requireOneLine('Subject', fields.subject))}`,
    `Date: ${rfc5322Date(fields.date)}`,
    `Message-ID: ${requireOneLine('Message-ID', fields.messageId)}`,
    'MIME-Version: 1.0',
    ...fields.links.map((link) => `${LINK_HEADER}: ${requireLink(link)}`),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  return [
    ...headers,
    '',
    'This is a MIME message: open it in a mail client.',
    `--${boundary}`,
    ...part('text/plain', fields.text),
    `--${boundary}`,
    ...part('text/html', fields.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
