import jwt from 'jsonwebtoken';
import { call, login, runCli, useCliProject, type CliProcess } from '../support';

// The default algorithm as a user meets it: RS256 with a published key; JWT_SECRET (or --secret) brings back 0.1's
// HS256 tokens with issuer fake-jwt-api.
const SECRET = 'a-secret-for-this-test-that-is-long-enough';
const { project, start } = useCliProject();
let server: CliProcess;
const loginAt = (url: string) => login(url, 'alice@example.com', 'alice123');

it('signs with RS256 by default, issued by the server URL, its key in the JWKS', async () => {
  server = await start(['db.json']);
  const { header, payload } = jwt.decode(await loginAt(server.url), { complete: true })!;
  expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
  expect(payload).toMatchObject({ iss: server.url });
  expect((await call(`${server.url}/.well-known/jwks.json`, 'GET')).body.keys).toEqual([expect.objectContaining({ kid: header.kid, alg: 'RS256' })]);
});

it.each([
  ['JWT_SECRET', [], { JWT_SECRET: SECRET }],
  ['--secret', ['--secret', SECRET], {}],
])('signs with HS256 and issuer fake-jwt-api given %s, as 0.1 did', async (_name, args, env) => {
  server = await start(['db.json', ...args], env);
  const token = await loginAt(server.url);
  expect(jwt.decode(token, { complete: true })!.header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
  expect(jwt.verify(token, SECRET, { algorithms: ['HS256'], issuer: 'fake-jwt-api' })).toMatchObject({ email: 'alice@example.com' });
  expect((await call(`${server.url}/.well-known/jwks.json`, 'GET')).body).toEqual({ keys: [] });
});

it('says so in --help', async () => {
  const help = await runCli(['--help'], project.dir);
  expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--alg <alg>.*\(default: RS256; HS256 with --secret or JWT_SECRET\)/);
});
