import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import { login, pollUntil, requestAs, SAMPLE_LOGINS, useServer } from '../support';
import type { FakeJwtApi } from '../../src/app/create-server';

const START = Date.UTC(2026, 11, 2, 15, 30, 12);

const mailTo = (to: string, subject: string) => {
  const link = `http://localhost:5173/reset?token=${subject.replace(/\W/g, '')}`;
  return { to, subject, text: `Open ${link}`, html: `<a href="${link}">Open</a>`, links: [link] };
};

describe('the outbox (README "The outbox")', () => {
  const { project, serve } = useServer();
  const outboxDir = () => path.join(project.dir, '.fake-jwt-api', 'outbox');

  /** A server with three mails sent through the library API, a minute apart. */
  async function serverWithMails(options: { allowReset?: boolean } = {}): Promise<FakeJwtApi> {
    let clock = START;
    const api = await serve({ ...options, now: () => clock });
    for (const [to, subject] of [
      ['alice@example.com', 'first'],
      ['bob@example.com', 'second'],
      ['Alice@Example.com', 'third'],
    ]) {
      api.outbox.send(mailTo(to, subject));
      clock += 60_000;
    }
    await api.outbox.settled();
    return api;
  }

  it('is for admins: 401 without a token or with a bad one, 403 for another role', async () => {
    const api = await serverWithMails();
    const [admin, alice] = [
      await login(api.app, SAMPLE_LOGINS.admin.email, SAMPLE_LOGINS.admin.password),
      await login(api.app, 'alice@example.com', 'alice123'),
    ];
    const { id } = (await api.outbox.list())[0];
    for (const [method, url] of [
      ['GET', '/__outbox'],
      ['GET', `/__outbox/${id}`],
      ['DELETE', '/__outbox'],
    ]) {
      const anonymous = await requestAs(api.app, undefined, method, url).expect(401);
      expect(anonymous.body.error).toBe('invalid_token');
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer /);
      expect((await requestAs(api.app, 'not.a.token', method, url).expect(401)).body.error).toBe('invalid_token');
      expect((await requestAs(api.app, alice, method, url).expect(403)).body.error).toBe('forbidden');
    }
    expect((await requestAs(api.app, admin, 'GET', '/__outbox').expect(200)).body.messages).toHaveLength(3);
    expect(await api.outbox.list()).toHaveLength(3); // nobody's refused DELETE emptied it
  });

  it('is open to anyone on a test server (--allow-reset): list newest first, filter, one whole, empty', async () => {
    const api = await serverWithMails({ allowReset: true });
    const list = (await request(api.app).get('/__outbox').expect(200)).body;
    expect(list.messages.map((message: { subject: string }) => message.subject)).toEqual(['third', 'second', 'first']);
    expect(list.messages[0]).toEqual({
      id: expect.stringMatching(/^20261202T153212Z-/),
      from: 'fake-jwt-api <no-reply@fake-jwt-api.local>',
      to: 'Alice@Example.com',
      subject: 'third',
      date: '2026-12-02T15:32:12.000Z',
      links: ['http://localhost:5173/reset?token=third'],
    });

    const alices = (await request(api.app).get('/__outbox').query({ to: 'ALICE@example.COM' }).expect(200)).body.messages;
    expect(alices.map((message: { subject: string }) => message.subject)).toEqual(['third', 'first']);
    expect((await request(api.app).get('/__outbox?to=a@example.com&to=b@example.com').expect(400)).body.error).toBe('invalid_request');

    const whole = (await request(api.app).get(`/__outbox/${list.messages[1].id}`).expect(200)).body;
    expect(whole).toEqual({
      ...list.messages[1],
      messageId: expect.stringMatching(/^<.+@fake-jwt-api\.local>$/),
      text: expect.any(String),
      html: expect.any(String),
    });
    expect(whole.text).toBe('Open http://localhost:5173/reset?token=second');
    expect((await request(api.app).get('/__outbox/20261202T153012Z-000000-00000000').expect(404)).body.error).toBe('not_found');
    expect((await request(api.app).get('/__outbox/..%2F..%2Fusers.json').expect(404)).body.error).toBe('not_found');

    await request(api.app).delete('/__outbox').expect(204);
    expect((await request(api.app).get('/__outbox').expect(200)).body.messages).toEqual([]);
    expect(readdirSync(outboxDir()).filter((name) => name.endsWith('.eml'))).toEqual([]);
  });

  it('keeps each mail as an .eml file (mode 0600) that a mail parser reads, across a restart', async () => {
    const first = await serverWithMails();
    const files = readdirSync(outboxDir()).filter((name) => name.endsWith('.eml'));
    expect(files).toHaveLength(3);
    for (const file of files) expect(statSync(path.join(outboxDir(), file)).mode & 0o777).toBe(0o600);
    const newest = await simpleParser(readFileSync(path.join(outboxDir(), files.sort().at(-1)!)));
    expect(newest.subject).toBe('third');
    expect(newest.html).toBe('<a href="http://localhost:5173/reset?token=third">Open</a>');
    await first.close();

    const second = await serve();
    expect((await second.outbox.latest('alice@example.com'))?.subject).toBe('third');
  });

  it('reset() empties it', async () => {
    const api = await serverWithMails({ allowReset: true });
    await api.reset();
    expect(await api.outbox.list()).toEqual([]);
  });

  it('is refused to pages of other origins, as the auth endpoints are: its mails carry reset links', async () => {
    const api = await serverWithMails({ allowReset: true });
    const foreign = await request(api.app).get('/__outbox').set('Origin', 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(await api.outbox.list()).toHaveLength(3);
    await request(api.app).delete('/__outbox').set('Origin', 'https://evil.example').expect(403);
    expect(await api.outbox.list()).toHaveLength(3);
  });

  it("holds the forgot-password mail with its link, and the server's console line says so", async () => {
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      const api = await serve({ allowReset: true, logger: true });
      await request(api.app).post('/auth/forgot-password').send({ email: 'alice@example.com' }).expect(202);
      const messages = await pollUntil(
        async (): Promise<Array<{ subject: string; links: string[] }>> => (await request(api.app).get('/__outbox?to=alice@example.com')).body.messages,
        (found) => found.length > 0,
      );
      expect(messages).toHaveLength(1);
      const [link] = messages[0].links;
      expect(new URL(link).searchParams.get('token')).toMatch(/.{20,}/);
      expect(lines).toContain(`Mail to alice@example.com: ${JSON.stringify(messages[0].subject)} ${link}`);
    } finally {
      log.mockRestore();
    }
  });
});
