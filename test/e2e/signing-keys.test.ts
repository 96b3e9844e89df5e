import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import { call, login, runCli, useCliProject, type CliProcess } from '../support';

const run = promisify(execFile);
const VERIFIER = path.join(__dirname, 'jose-verify.mjs');

const { project, start } = useCliProject();
let server: CliProcess;
const loginAt = (url: string) => login(url, 'alice@example.com', 'alice123');
const kidOf = (token: string) => jwt.decode(token, { complete: true })!.header.kid;
const jwksKids = async (url: string) => ((await call(`${url}/.well-known/jwks.json`, 'GET')).body.keys as Array<{ kid: string }>).map((key) => key.kid);

describe.each(['RS256', 'ES256', 'EdDSA'])('--alg %s', (alg) => {
  it('a login token verifies with jose against our JWKS, in another process', async () => {
    server = await start(['db.json', '--alg', alg]);
    const token = await loginAt(server.url);
    const { stdout } = await run(process.execPath, [VERIFIER, server.url, token]);
    const verified = JSON.parse(stdout);
    expect(verified.protectedHeader).toMatchObject({ alg, kid: kidOf(token) });
    expect(verified.payload).toMatchObject({ email: 'alice@example.com', iss: server.url });
  });
});

it('keys rotate: the old key verifies its tokens and stays published; the new one signs from the next start', async () => {
  server = await start(['db.json', '--alg', 'ES256']);
  const before = await loginAt(server.url);
  const rotated = await runCli(['keys', 'rotate'], project.dir);
  expect(rotated.code).toBe(0);
  const newKid = rotated.stdout.split(/\s+/)[0];
  // Published at once (the running server reads keys.json again), so caches have it before it signs.
  expect(await jwksKids(server.url)).toEqual([kidOf(before), newKid]);
  expect(kidOf(await loginAt(server.url))).toBe(kidOf(before));
  await server.stop();

  server = await start(['db.json', '--alg', 'ES256']);
  const after = await loginAt(server.url);
  expect(kidOf(after)).toBe(newKid);
  expect(await jwksKids(server.url)).toEqual(expect.arrayContaining([kidOf(before), newKid]));
  expect((await call(`${server.url}/auth/me`, 'GET', undefined, before)).status).toBe(200);
  expect((await call(`${server.url}/auth/me`, 'GET', undefined, after)).status).toBe(200);
  const listed = await runCli(['keys', 'list'], project.dir);
  expect(listed.stdout).toMatch(new RegExp(`${kidOf(before)}  ES256 .* verifies until`));
});

it('an old key is dropped once every token it signed has expired', async () => {
  server = await start(['db.json', '--alg', 'RS256', '--access-ttl', '1s']);
  const before = await loginAt(server.url);
  await runCli(['keys', 'rotate'], project.dir);
  await server.stop();
  server = await start(['db.json', '--alg', 'RS256', '--access-ttl', '1s']);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  expect(await jwksKids(server.url)).not.toContain(kidOf(before));
  expect((await call(`${server.url}/auth/me`, 'GET', undefined, before)).status).toBe(401);
});

it('the token command signs with the key pair and writes http://localhost:<port> as the issuer', async () => {
  server = await start(['db.json', '--alg', 'EdDSA']);
  const made = await runCli(['token', 'alice@example.com', '--alg', 'EdDSA', '--port', '4000'], project.dir);
  const token = made.stdout.trim();
  expect(jwt.decode(token)).toMatchObject({ iss: 'http://localhost:4000' });
  expect((await call(`${server.url}/auth/me`, 'GET', undefined, token)).status).toBe(200);
});
