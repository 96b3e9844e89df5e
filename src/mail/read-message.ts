import { LINK_HEADER, parseAddress, type MessageFields } from './message';
import { decodeHeaderText, decodeQuotedPrintable } from './mime';

/** A message as read back: its date as an ISO 8601 string, for JSON. */
export type ReadMessage = Omit<MessageFields, 'date'> & { date: string };

interface Entity {
  headers: Map<string, string[]>;
  body: string;
}

/** Headers (names lower-cased, folded lines joined) and body of a message or of one MIME part. */
function splitEntity(raw: string): Entity {
  const end = raw.indexOf('\r\n\r\n');
  const head = end === -1 ? raw : raw.slice(0, end);
  const headers = new Map<string, string[]>();
  for (const line of head.split(/\r\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon < 1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { headers, body: end === -1 ? '' : raw.slice(end + 4) };
}

const first = (entity: Entity, name: string) => entity.headers.get(name)?.[0];

function decodeBody({ headers, body }: Entity): string {
  const encoding = headers.get('content-transfer-encoding')?.[0]?.toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  return body.replace(/\r\n/g, '\n');
}

/** The text/plain and text/html parts of a multipart body, decoded. */
function readParts(message: Entity): { text: string; html: string } | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(first(message, 'content-type') ?? '')?.[1];
  if (!boundary) return undefined;
  const delimiter = `--${boundary}`;
  const parts: Record<string, string> = {};
  // The first piece is the preamble, the last the closing delimiter's epilogue.
  for (const piece of `\r\n${message.body}`.split(`\r\n${delimiter}`).slice(1)) {
    if (piece.startsWith('--')) break;
    const entity = splitEntity(piece.replace(/^[ \t]*\r\n/, ''));
    const type = /^text\/(plain|html)/i.exec(first(entity, 'content-type') ?? '')?.[1].toLowerCase();
    if (type && parts[type] === undefined) parts[type] = decodeBody(entity);
  }
  if (parts.plain === undefined || parts.html === undefined) return undefined;
  return { text: parts.plain, html: parts.html };
}

/**
 * Reads back a message composeMessage wrote; undefined for a file that is not one (broken, or edited by hand
 * beyond recognition), which the outbox then leaves out.
 */
export function readMessage(raw: string): ReadMessage | undefined {
  const message = splitEntity(raw);
  const [from, to, subject, date, messageId] = ['from', 'to', 'subject', 'date', 'message-id'].map((name) => first(message, name));
  const parts = readParts(message);
  const time = Date.parse(date ?? '');
  if (from === undefined || to === undefined || subject === undefined || messageId === undefined || !parts || Number.isNaN(time)) return undefined;
  return {
    from,
    to: parseAddress(to),
    subject: decodeHeaderText(subject),
    date: new Date(time).toISOString(),
    messageId,
    ...parts,
    links: message.headers.get(LINK_HEADER.toLowerCase()) ?? [],
  };
}
