import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { composeMessage, newMessageId } from './message';
import { makeOutbox, OUTBOX_LIMIT, type OutgoingMail } from './outbox';

const FROM = 'fake-jwt-api <no-reply@fake-jwt-api.local>';
const START = Date.UTC(2026, 11, 2, 15, 30, 12);

const mailTo = (to: string, subject = 'Reset your password', link = `http://localhost:3000/reset?token=${to}`): OutgoingMail => ({
  to,
  subject,
  text: `Choose a new password: ${link}`,
  html: `<a href="${link}">Choose a new password</a>`,
  links: [link],
});

describe('makeOutbox', () => {
  let root: string;
  let dir: string;
  let clock: number;
  let lines: string[];
  const open = (limit?: number) => makeOutbox({ dir, from: FROM, now: () => clock, log: (line) => lines.push(line), limit });
  const emlFiles = () => readdirSync(dir).filter((name) => name.endsWith('.eml'));

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'outbox-'));
    dir = path.join(root, '.fake-jwt-api', 'outbox');
    clock = START;
    lines = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes each message as an .eml file, mode 0600, that a mail parser reads, and says so in one console line', async () => {
    const outbox = open();
    const link = 'http://localhost:3000/reset?token=ÿ-tøken';
    expect(outbox.send({ ...mailTo('zoë@example.com', 'Réinitialisez votre mot de passe ✓', link), text: `Bonjour Zoë: ${link}` })).toBeUndefined();
    await outbox.settled();

    const [name, ...others] = readdirSync(dir);
    expect(others).toEqual([]); // no temporary file left
    expect(name).toMatch(/^20261202T153012Z-[0-9a-z]{6}-[0-9a-f]{8}\.eml$/);
    expect(statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);
    const mail = await simpleParser(readFileSync(path.join(dir, name)));
    expect(mail.subject).toBe('Réinitialisez votre mot de passe ✓');
    expect(mail.text).toBe(`Bonjour Zoë: ${link}`);
    expect(mail.html).toBe(`<a href="${link}">Choose a new password</a>`);
    expect(mail.date?.getTime()).toBe(START);
    expect(lines).toEqual([`Mail to zoë@example.com: "Réinitialisez votre mot de passe ✓" ${link}`]);

    const [stored] = await outbox.list();
    expect(stored).toEqual({
      id: name.replace(/\.eml$/, ''),
      from: FROM,
      to: 'zoë@example.com',
      subject: 'Réinitialisez votre mot de passe ✓',
      date: '2026-12-02T15:30:12.000Z',
      messageId: mail.messageId,
      text: `Bonjour Zoë: ${link}`,
      html: `<a href="${link}">Choose a new password</a>`,
      links: [link],
    });
    expect(await outbox.get(stored.id)).toEqual(stored);
  });

  it('refuses header injection at once, and writes nothing', async () => {
    const outbox = open();
    expect(() => outbox.send(mailTo('alice@example.com\r\nBcc: eve@example.com'))).toThrow(TypeError);
    expect(() => outbox.send(mailTo('alice@example.com', 'Hi\nBcc: eve@example.com'))).toThrow(TypeError);
    expect(() => makeOutbox({ dir, from: 'x@example.com\r\nBcc: eve@example.com', now: () => clock, log: () => undefined })).toThrow(TypeError);
    expect(await outbox.list()).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('lists newest first, within one second too, filters by recipient case-insensitively, and gives the latest', async () => {
    const outbox = open();
    outbox.send(mailTo('alice@example.com', 'first'));
    outbox.send(mailTo('bob@example.com', 'second'));
    outbox.send(mailTo('Alice@Example.com', 'third')); // the same second: the order sent still holds
    clock += 60_000;
    outbox.send(mailTo('alice@example.com', 'fourth'));
    expect((await outbox.list()).map((mail) => mail.subject)).toEqual(['fourth', 'third', 'second', 'first']);
    expect((await outbox.list({ to: 'ALICE@example.com' })).map((mail) => mail.subject)).toEqual(['fourth', 'third', 'first']);
    expect((await outbox.latest('bob@EXAMPLE.com'))?.subject).toBe('second');
    expect(await outbox.latest('nobody@example.com')).toBeUndefined();
    expect(await outbox.get('../../etc/passwd')).toBeUndefined();
  });

  it('keeps its messages on disk: a new outbox on the folder lists them, and its own come after them', async () => {
    const before = open();
    before.send(mailTo('alice@example.com', 'before the restart'));
    await before.settled();
    writeFileSync(path.join(dir, 'notes.eml'), 'not one of ours');
    writeFileSync(path.join(dir, 'README.txt'), 'neither');

    const after = open(); // the clock stands still: the sequence alone orders them
    after.send(mailTo('alice@example.com', 'after the restart'));
    expect((await after.list()).map((mail) => mail.subject)).toEqual(['after the restart', 'before the restart']);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['notes.eml', 'README.txt']));
  });

  it('keeps at most 1,000 messages: the oldest files beyond are deleted', async () => {
    mkdirSync(dir, { recursive: true });
    const old = Array.from({ length: OUTBOX_LIMIT }, (_, index) => `20250101T000000Z-${index.toString(36).padStart(6, '0')}-0000abcd`);
    const raw = composeMessage({ ...mailTo('old@example.com', 'old'), from: FROM, date: START - 1e10, messageId: newMessageId() });
    for (const id of old) writeFileSync(path.join(dir, `${id}.eml`), raw);

    const outbox = open();
    outbox.send(mailTo('alice@example.com', 'new'));
    outbox.send(mailTo('bob@example.com', 'newer'));
    await outbox.settled();
    expect(emlFiles()).toHaveLength(OUTBOX_LIMIT);
    expect(emlFiles()).not.toContain(`${old[0]}.eml`);
    expect(emlFiles()).not.toContain(`${old[1]}.eml`);
    expect(emlFiles()).toContain(`${old[2]}.eml`);
    const listed = await outbox.list();
    expect(listed).toHaveLength(OUTBOX_LIMIT);
    expect(listed.slice(0, 2).map((mail) => mail.subject)).toEqual(['newer', 'new']);
  });

  it('clear() removes every message file, after the ones queued, and leaves other files', async () => {
    const outbox = open();
    outbox.send(mailTo('alice@example.com'));
    await outbox.settled();
    writeFileSync(path.join(dir, 'mine.txt'), 'kept');
    outbox.send(mailTo('bob@example.com')); // still queued when clear() is called
    await outbox.clear();
    expect(readdirSync(dir)).toEqual(['mine.txt']);
    expect(await outbox.list()).toEqual([]);
    outbox.send(mailTo('carol@example.com'));
    expect((await outbox.list()).map((mail) => mail.to)).toEqual(['carol@example.com']);
  });

  it('clear() and list() on a folder that does not exist yet', async () => {
    const outbox = open();
    await outbox.clear();
    expect(await outbox.list()).toEqual([]);
    expect(await outbox.latest('alice@example.com')).toBeUndefined();
  });
});
