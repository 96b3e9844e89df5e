/**
 * The encodings a mail needs so UTF-8 and long lines survive any mail client (RFC 2045 quoted-printable, RFC 2047
 * encoded-words), each with the decoder outbox.ts reads its own files back with. Our own: a few lines each, where
 * nodemailer's composer would be a runtime dependency for what the outbox writes.
 */

/** RFC 2045 §6.7: an encoded line is at most 76 characters, the `=` of a soft line break included. */
const QP_LINE_LENGTH = 76;

const hexByte = (byte: number) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** One line of text, its UTF-8 bytes escaped where they are not plain ASCII, then cut by soft line breaks. */
function encodeQuotedPrintableLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  const lines: string[] = [];
  let current = '';
  bytes.forEach((byte, index) => {
    // A space or tab at the end of a line is escaped: transports strip trailing white space (§6.7 rule 3).
    const whitespaceInside = (byte === 0x20 || byte === 0x09) && index < bytes.length - 1;
    const token = (byte >= 0x21 && byte <= 0x7e && byte !== 0x3d) || whitespaceInside ? String.fromCharCode(byte) : hexByte(byte);
    if (current.length + token.length > QP_LINE_LENGTH - 1) {
      lines.push(`${current}=`);
      current = '';
    }
    current += token;
  });
  lines.push(current);
  return lines.join('\r\n');
}

/**
 * Quoted-printable with CRLF line breaks. Its output never holds `=_` (every `=` is an escape or a soft break), so a
 * MIME boundary that starts with `=_` cannot occur inside a part.
 */
export function encodeQuotedPrintable(text: string): string {
  return text.replace(/\r\n?/g, '\n').split('\n').map(encodeQuotedPrintableLine).join('\r\n');
}

/** The text a quoted-printable body holds, with `\n` line breaks. */
export function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/[ \t]+(?=\r?\n|$)/g, '')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
}

/** RFC 2047 §2: an encoded-word is at most 75 characters; 45 bytes are 60 in base64, plus `=?UTF-8?B?` and `?=`. */
const ENCODED_WORD_BYTES = 45;

/** A header value written as it is: printable ASCII, short, and nothing a decoder would take for an encoded-word. */
const isPlainHeaderText = (value: string) => /^[\x20-\x7e]{0,70}$/.test(value) && !value.includes('=?');

/**
 * A header value (the subject) as RFC 2047 encoded-words when it is not short printable ASCII: whole characters in
 * each word, one word a line, folded.
 */
export function encodeHeaderText(value: string): string {
  if (isPlainHeaderText(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const character of value) {
    if (chunk !== '' && Buffer.byteLength(chunk + character) > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** The text of a header value written by encodeHeaderText (white space between encoded-words is not text: §6.2). */
export function decodeHeaderText(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_word, encoding: string, data: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

/** RFC 5322 §3.3: `Wed, 02 Dec 2026 15:30:12 +0000` (toUTCString's obsolete "GMT" written as the numeric zone). */
export const rfc5322Date = (milliseconds: number) => new Date(milliseconds).toUTCString().replace(/GMT$/, '+0000');
