import { simpleParser, type AddressObject } from 'mailparser';
import { composeMessage, LINK_HEADER, newMessageId, type MessageFields } from './message';
import { readMessage } from './read-message';

const DATE = Date.UTC(2026, 11, 2, 15, 30, 12);
const LINK = 'http://localhost:3000/auth/reset-password?token=' + 'ab'.repeat(32);

const fields = (overrides: Partial<MessageFields> = {}): MessageFields => ({
  from: 'fake-jwt-api <no-reply@fake-jwt-api.local>',
  to: 'alice@example.com',
  subject: 'Reset your password',
  date: DATE,
  messageId: newMessageId(),
  text: `Open this link to choose a new password:\n${LINK}\n`,
  html: `<p>Open <a href="${LINK}">this link</a> to choose a new password.</p>`,
  links: [LINK],
  ...overrides,
});

const addressOf = (address: AddressObject | AddressObject[] | undefined) => (Array.isArray(address) ? address[0] : address)?.value[0]?.address;

describe('composeMessage', () => {
  it('writes an RFC 5322 message with CRLF line endings, every header, and a text and an HTML part', async () => {
    const message = fields();
    const raw = composeMessage(message);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const [head, body] = raw.split('\r\n\r\n');
    expect(head.split('\r\n').every((line) => line.length <= 998)).toBe(true); // RFC 5322 §2.1.1
    expect(body.split('\r\n').every((line) => line.length <= 76)).toBe(true); // RFC 2045 §6.7

    const mail = await simpleParser(raw);
    expect(mail.from?.value[0]).toEqual({ name: 'fake-jwt-api', address: 'no-reply@fake-jwt-api.local' });
    expect(addressOf(mail.to)).toBe('alice@example.com');
    expect(mail.subject).toBe('Reset your password');
    expect(mail.date?.getTime()).toBe(DATE);
    expect(raw).toContain('\r\nDate: Wed, 02 Dec 2026 15:30:12 +0000\r\n');
    expect(mail.messageId).toBe(message.messageId);
    expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@fake-jwt-api\.local>$/);
    expect(mail.headers.get('mime-version')).toBe('1.0');
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.text).toBe(message.text);
    expect(mail.html).toBe(message.html);
    expect(mail.headers.get(LINK_HEADER.toLowerCase())).toBe(LINK);
  });

  it('keeps UTF-8 subjects and bodies, and long lines, whole', async () => {
    const subject = 'Réinitialisez votre mot de passe 🔑 — パスワードを再設定してください, and a long tail to fold over several encoded words';
    const text = `Bonjour Zoë,\n${'long line without breaks '.repeat(20)}\n=3D is not an escape, and this line ends in spaces   \n✓`;
    const raw = composeMessage(fields({ subject, text, html: `<p>${text}</p>` }));
    expect(raw).not.toMatch(/[^\p{ASCII}]/u); // everything non-ASCII is encoded
    expect(raw).toContain('Subject: =?UTF-8?B?');

    const mail = await simpleParser(raw);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toBe(text);
    expect(mail.html).toBe(`<p>${text}</p>`);
  });

  it('refuses a header value with a CR or LF, so no header can be injected', () => {
    expect(() => composeMessage(fields({ to: 'alice@example.com\r\nBcc: eve@example.com' }))).toThrow(TypeError);
    expect(() => composeMessage(fields({ to: 'alice@example.com\nBcc: eve@example.com' }))).toThrow(TypeError);
    expect(() => composeMessage(fields({ subject: 'Hello\r\nBcc: eve@example.com' }))).toThrow(TypeError);
    expect(() => composeMessage(fields({ from: 'x <x@example.com>\rBcc: eve@example.com' }))).toThrow(TypeError);
    expect(() => composeMessage(fields({ links: ['http://localhost/\r\nBcc: eve@example.com'] }))).toThrow(TypeError);
    expect(() => composeMessage(fields({ to: 'alice@example.com, eve@example.com>' }))).toThrow(TypeError);
  });

  it('quotes an account email whose local part needs it, so it stays one address', async () => {
    const raw = composeMessage(fields({ to: 'a,b"c@example.com' }));
    expect(raw).toContain('\r\nTo: "a,b\\"c"@example.com\r\n');
    const mail = await simpleParser(raw);
    const to = Array.isArray(mail.to) ? mail.to : [mail.to];
    expect(to.flatMap((address) => address?.value ?? []).map(({ address }) => address)).toEqual(['"a,b\\"c"@example.com']); // one recipient, still quoted
    expect(readMessage(raw)?.to).toBe('a,b"c@example.com');
  });
});

describe('readMessage', () => {
  it('reads back every field composeMessage wrote', () => {
    const message = fields({ subject: 'Vérifiez votre adresse ✉', links: [LINK, 'http://localhost:3000/other?token=x'] });
    expect(readMessage(composeMessage(message))).toEqual({ ...message, date: '2026-12-02T15:30:12.000Z' });
  });

  it('reads nothing from a file that is not such a message', () => {
    expect(readMessage('')).toBeUndefined();
    expect(readMessage('From: a@example.com\r\nTo: b@example.com\r\n\r\nplain text, no parts\r\n')).toBeUndefined();
  });
});
