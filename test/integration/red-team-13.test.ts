/**
 * What a red team of issue 13's first part found, held shut: a token signed with our own key is still refused with
 * an issuer that is not ours; a reuse interval longer than a timer can hold keeps working; a password change closes
 * the reuse window of the session it was made from.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { loginPair, requestAs, SAMPLE_USERS, useServer } from '../support';

const clock = Date.parse('2026-03-01T12:00:00Z');
const { project, serve } = useServer({
  files: { 'db.json': { posts: [{ id: 1, title: 'p' }] }, 'users.json': SAMPLE_USERS },
  defaults: { now: () => clock },
});
const refresh = (app: Parameters<typeof request>[0], refreshToken: string) => request(app).post('/auth/refresh').send({ refreshToken });

describe('a token signed with our own key, with an issuer that is not ours', () => {
  it('is refused unless the issuer is a loopback origin, an address of this machine, or one we minted', async () => {
    const api = await serve({ alg: 'RS256' });
    const { accessToken } = await loginPair(api.app, 'alice@example.com', 'alice123');
    const [stored] = JSON.parse(readFileSync(project.file('.fake-jwt-api/keys.json'), 'utf8')).keys;
    const key = createPrivateKey(stored.privateKey);
    const { header, payload } = jwt.decode(accessToken, { complete: true })!;
    const withIssuer = async (iss: string) => {
      const token = jwt.sign({ ...(payload as object), iss }, key, { algorithm: 'RS256', header: header as jwt.JwtHeader });
      return (await requestAs(api.app, token, 'GET', '/auth/me')).status;
    };
    const foreign = [
      'http://8.8.8.8',
      'https://203.0.113.7:8443',
      'http://[2001:db8::1]',
      'http://[::ffff:7f00:1]',
      'http://localhost.',
      'http://evil.localhost',
      'http://localhost.evil.com',
      'http://127.0.0.1.nip.io',
      'http://localhost@evil',
      'HTTP://LOCALHOST',
      'http://localhost:3000/',
      'fake-jwt-api',
    ];
    for (const iss of foreign) expect({ iss, status: await withIssuer(iss) }).toEqual({ iss, status: 401 });
    for (const iss of ['http://localhost:4000', 'http://127.0.0.1:9', 'http://[::1]:3000'])
      expect({ iss, status: await withIssuer(iss) }).toEqual({ iss, status: 200 });
  });
});

describe('the refresh reuse interval', () => {
  it('longer than a timer can hold (30d) still gives a repeat the same successor', async () => {
    const api = await serve({ refreshReuseInterval: '30d', refreshTtl: '60d', sessionTtl: '90d' });
    const pair = await loginPair(api.app, 'alice@example.com', 'alice123');
    const next = (await refresh(api.app, pair.refreshToken).expect(200)).body;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const repeat = await refresh(api.app, pair.refreshToken).expect(200);
    expect(repeat.body.refreshToken).toBe(next.refreshToken);
  });

  it('closes for the session a password change is made from: the token spent just before gets nothing', async () => {
    const api = await serve();
    const pair = await loginPair(api.app, 'alice@example.com', 'alice123');
    const victim = (await refresh(api.app, pair.refreshToken).expect(200)).body;
    await requestAs(api.app, victim.accessToken, 'POST', '/auth/password', { currentPassword: 'alice123', newPassword: 'alice-new-123' }).expect(204);
    const replay = await refresh(api.app, pair.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.refreshToken).toBeUndefined();
    // The victim's session lives on with the successor it holds.
    await refresh(api.app, victim.refreshToken).expect(200);
  });
});
