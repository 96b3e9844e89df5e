/**
 * --smtp (README "The outbox"): every mail is written to the outbox folder, then also relayed, byte for byte the same
 * .eml, to an SMTP server (Mailpit, MailHog). Here a real SMTP listener on 127.0.0.1 (smtp-server) receives it and a
 * mail parser (mailparser) reads it; a relay that fails is one console line, and the file, the HTTP answer and the
 * server are as they would be without --smtp.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import { resolveOptions } from '../../src/config/options';
import { errorCodeOf, freePort, ROOT, SAMPLE_LOGINS, useCleanup, useServer } from '../support';

const { alice, bob } = SAMPLE_LOGINS;
const { project, serve } = useServer();
const track = useCleanup();

const outboxFiles = () => readdirSync(path.join(project.dir, '.fake-jwt-api', 'outbox')).filter((name) => name.endsWith('.eml'));
const forgot = (api: FakeJwtApi, email: string) => request(api.app).post('/auth/forgot-password').send({ email });

interface Received {
  mailFrom: string | undefined;
  rcptTo: string[];
  /** The DATA as the listener read it. */
  raw: Buffer;
  /** Whether the session was upgraded with STARTTLS. */
  secure: boolean;
}

/** An SMTP server on 127.0.0.1, port 0, that keeps what it receives; `refuse`: every RCPT TO answered 550. */
async function smtpListener({ startTls = false, refuse = false } = {}): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    logger: false, // also its warning about the built-in self-signed certificate: the very kind a dev catcher has
    disabledCommands: startTls ? [] : ['STARTTLS'],
    onRcptTo(_address, _session, callback) {
      callback(refuse ? Object.assign(new Error('no such mailbox here'), { responseCode: 550 }) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const { mailFrom, rcptTo } = session.envelope;
        received.push({
          mailFrom: mailFrom ? mailFrom.address : undefined,
          rcptTo: rcptTo.map(({ address }) => address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
        });
        callback(null);
      });
    },
  });
  const listening = server.listen(0, '127.0.0.1');
  await once(listening, 'listening');
  track({ close: () => new Promise<void>((closed) => server.close(() => closed())) });
  return { port: (listening.address() as AddressInfo).port, received };
}

/** console.error's lines while `run` runs: the relay's failures are said there, --quiet or not. */
async function errorLinesOf(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('--smtp host:port', () => {
  it.each([
    ['a plain SMTP server', false],
    ['a server offering STARTTLS with a self-signed certificate', true],
  ])('relays the forgot-password mail to %s: the .eml file byte for byte, MAIL FROM the From, RCPT TO the To', async (_, startTls) => {
    const listener = await smtpListener({ startTls });
    const api = await serve({ smtp: `127.0.0.1:${listener.port}` });
    await forgot(api, alice.email).expect(202);
    await api.outbox.settled();

    expect(listener.received).toHaveLength(1);
    const [got] = listener.received;
    expect([got.mailFrom, got.rcptTo, got.secure]).toEqual(['no-reply@fake-jwt-api.local', [alice.email], startTls]);
    const [stored] = await api.outbox.list();
    expect(outboxFiles()).toEqual([`${stored.id}.eml`]);
    expect(got.raw.toString('latin1')).toBe(readFileSync(path.join(project.dir, '.fake-jwt-api', 'outbox', `${stored.id}.eml`), 'latin1'));

    const mail = await simpleParser(got.raw);
    expect(mail.subject).toBe('Reset your password');
    expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value.map(({ address }) => address)).toEqual([alice.email]);
    expect(mail.from?.value.map(({ address }) => address)).toEqual(['no-reply@fake-jwt-api.local']);
    expect(stored.links).toHaveLength(1);
    expect(mail.text).toContain(stored.links[0]);
    expect(new URL(stored.links[0]).searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('relays to one address when its local part needs quoting: a,b@example.com is not a@ and b@example.com', async () => {
    const listener = await smtpListener();
    const api = await serve({ smtp: `127.0.0.1:${listener.port}` });
    await request(api.app).post('/auth/register').send({ email: 'a,b@example.com', password: 'a-long-password' }).expect(201);
    await forgot(api, 'a,b@example.com').expect(202);
    await api.outbox.settled();
    // The registration's verification mail, then the reset mail: each to the one address (nodemailer 8 writes the
    // envelope's address without the quotes the header needs; what matters is that it is one RCPT TO, not two).
    const unquoted = (address: string) => address.replace(/^"(.*)"@/, '$1@');
    expect(listener.received.map(({ rcptTo }) => rcptTo.map(unquoted))).toEqual([['a,b@example.com'], ['a,b@example.com']]);
  });

  it('with nobody on the port: the file is written, one console line says the relay failed, and the server goes on', async () => {
    const port = await freePort();
    let api!: FakeJwtApi;
    const lines = await errorLinesOf(async () => {
      api = await serve({ smtp: `127.0.0.1:${port}` });
      const known = await forgot(api, alice.email).expect(202);
      const unknown = await forgot(api, 'nobody@example.com').expect(202);
      expect(unknown.body).toEqual(known.body); // the answer says nothing of a mail, sent or relayed
      await api.outbox.settled();
      expect(outboxFiles()).toHaveLength(1);
      expect((await api.outbox.latest(alice.email))?.subject).toBe('Reset your password');

      await request(api.app).post('/auth/login').send(bob).expect(200);
      await forgot(api, bob.email).expect(202);
      await api.outbox.settled();
      expect(outboxFiles()).toHaveLength(2);

      const began = Date.now();
      await api.close();
      expect(Date.now() - began).toBeLessThan(5000);
    });
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^fake-jwt-api: could not relay the mail to alice@example\\.com to the SMTP server 127\\.0\\.0\\.1:${port} .*ECONNREFUSED`),
      ),
      expect.stringMatching(/^fake-jwt-api: could not relay the mail to bob@example\.com .*it is in the outbox all the same/),
    ]);
  });

  it('when the server refuses the recipient (550): the file is kept, and the line gives the reply', async () => {
    const listener = await smtpListener({ refuse: true });
    const lines = await errorLinesOf(async () => {
      const api = await serve({ smtp: `127.0.0.1:${listener.port}` });
      await forgot(api, alice.email).expect(202);
      await api.outbox.settled();
      await api.close();
    });
    expect(listener.received).toEqual([]);
    expect(outboxFiles()).toHaveLength(1);
    expect(lines).toEqual([expect.stringMatching(/could not relay the mail to alice@example\.com to the SMTP server 127\.0\.0\.1:\d+ .*550/)]);
  });

  it('sends nothing anywhere without --smtp: the outbox folder only', async () => {
    const listener = await smtpListener();
    const api = await serve();
    await forgot(api, alice.email).expect(202);
    await api.outbox.settled();
    expect(outboxFiles()).toHaveLength(1);
    expect(listener.received).toEqual([]);
  });
});

describe('the value of --smtp', () => {
  it.each([
    ['localhost:1025', { host: 'localhost', port: 1025 }],
    ['mail_catcher:1025', { host: 'mail_catcher', port: 1025 }],
    ['127.0.0.1:25', { host: '127.0.0.1', port: 25 }],
    ['[::1]:1025', { host: '::1', port: 1025 }],
    ['smtp.example.com:65535', { host: 'smtp.example.com', port: 65535 }],
  ])('%s is a host and a port', (text, smtp) => {
    expect(resolveOptions({ db: {}, smtp: text }).smtp).toEqual(smtp);
  });

  it.each([
    ['nohost', /is not the host:port of an SMTP server, like 'localhost:1025'/],
    [':1025', /is not the host:port/],
    ['localhost:', /is not the host:port/],
    ['::1:1025', /or '\[::1\]:1025'/],
    ['[localhost]:1025', /is not the host:port/],
    ['smtp://localhost:1025', /is not the host:port/],
    ['local host:25', /is not the host:port/],
    ['localhost:0', /the port must be from 1 to 65535/],
    ['localhost:99999', /the port must be from 1 to 65535/],
  ])('refuses %s at start (ERR_OPTION, exit 2), saying what to write', (text, message) => {
    expect(() => resolveOptions({ db: {}, smtp: text })).toThrow(
      expect.objectContaining({
        code: 'ERR_OPTION',
        exitCode: 2,
        message: expect.stringMatching(new RegExp(`^smtp: ${JSON.stringify(text).replace(/[[\]]/g, '\\$&')}`)),
      }),
    );
    expect(() => resolveOptions({ db: {}, smtp: text })).toThrow(message);
  });

  /** The command line from src/ (tsx), so this lane needs no build: main() as bin/fake-jwt-api.js calls it. */
  function runSourceCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const tsx = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;
    const main = JSON.stringify(path.join(ROOT, 'src', 'cli', 'main.ts'));
    const script = `require(${main}).main(['node', 'fake-jwt-api', ...process.argv.slice(1)])`;
    const child = spawn(process.execPath, ['--import', tsx, '-e', script, '--', ...args], { cwd: project.dir });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
  }

  it.each([
    [
      'nohost',
      /^fake-jwt-api: smtp: "nohost" is not the host:port of an SMTP server, like 'localhost:1025' \(Mailpit, MailHog\) or '\[::1\]:1025' \[ERR_OPTION\]\n$/,
    ],
    ['host:99999', /^fake-jwt-api: smtp: "host:99999": the port must be from 1 to 65535, like 'localhost:1025' \[ERR_OPTION\]\n$/],
  ])('--smtp %s: the command line exits 2 with one line saying what to write', async (text, line) => {
    const { code, stderr } = await runSourceCli(['db.json', '--smtp', text]);
    expect(stderr).toMatch(line);
    expect([code, errorCodeOf(stderr)]).toEqual([2, 'ERR_OPTION']);
  });
});
