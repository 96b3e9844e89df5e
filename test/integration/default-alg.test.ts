import jwt from 'jsonwebtoken';
import request from 'supertest';
import { login, useServer } from '../support';
import type { ServerOptions } from '../../src/config/options';

// README "Tokens": RS256 by default, with a kid and the server's origin as issuer; a secret (--secret, JWT_SECRET)
// or --alg HS256 gives 0.1's HS256 tokens, issuer fake-jwt-api, and an empty JWKS; --issuer fixes the issuer.
const { serve } = useServer();
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const ORIGIN = /^http:\/\/127\.0\.0\.1:\d+$/;

const cases: Array<[string, Partial<ServerOptions>, { alg: string; kid: boolean; iss: string | RegExp; published: number }]> = [
  ['no option: RS256', {}, { alg: 'RS256', kid: true, iss: ORIGIN, published: 1 }],
  ['a secret: HS256 as in 0.1', { secret: SECRET }, { alg: 'HS256', kid: false, iss: 'fake-jwt-api', published: 0 }],
  ['--alg HS256 without a secret: the generated one', { alg: 'HS256' }, { alg: 'HS256', kid: false, iss: 'fake-jwt-api', published: 0 }],
  ['--alg HS256 with a secret', { alg: 'HS256', secret: SECRET }, { alg: 'HS256', kid: false, iss: 'fake-jwt-api', published: 0 }],
  ['--issuer fake-jwt-api keeps RS256', { issuer: 'fake-jwt-api' }, { alg: 'RS256', kid: true, iss: 'fake-jwt-api', published: 1 }],
];

it.each(cases)('%s', async (_name, options, expected) => {
  const api = await serve(options);
  const token = await login(api.app, 'alice@example.com', 'alice123');
  const { header, payload } = jwt.decode(token, { complete: true })!;
  expect(header.alg).toBe(expected.alg);
  expect(header.kid !== undefined).toBe(expected.kid);
  expect((payload as jwt.JwtPayload).iss).toMatch(expected.iss);
  await request(api.app).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
  const { keys } = (await request(api.app).get('/.well-known/jwks.json').expect(200)).body;
  expect(keys).toHaveLength(expected.published);
  if (expected.kid) expect(keys[0]).toMatchObject({ kid: header.kid, alg: expected.alg });
  if (options.secret) jwt.verify(token, SECRET, { algorithms: ['HS256'], issuer: 'fake-jwt-api' }); // course material's check
});

it('refuses a 0.1 token (HS256, no kid) on a default server, and an RS256 token on a server with the secret', async () => {
  const hs256 = await serve({ secret: SECRET });
  const oldToken = await login(hs256.app, 'alice@example.com', 'alice123');
  const rs256 = await serve();
  const newToken = await login(rs256.app, 'alice@example.com', 'alice123');
  await request(rs256.app).get('/auth/me').set('Authorization', `Bearer ${oldToken}`).expect(401);
  await request(hs256.app).get('/auth/me').set('Authorization', `Bearer ${newToken}`).expect(401);
});
