/**
 * README "Use it as your OpenID provider": openid-client 6, a real relying party in its own process (it is
 * ESM-only), runs discovery → an authorization URL with PKCE → the login form → the code grant (state, nonce and ID
 * token checked by the library) → userinfo → a refresh → an owner-only resource read with the access token, against
 * the built command line.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { SAMPLE_USERS, useCliProject } from '../support';

const FLOW = path.join(__dirname, 'openid-client-flow.mjs');
const alice = SAMPLE_USERS.find((user) => user.email === 'alice@example.com')!;
const NOTES = [
  { id: 1, text: 'alice note', userId: alice.id },
  { id: 2, text: 'someone else’s', userId: 999 },
];

const { start } = useCliProject({ 'db.json': { notes: NOTES }, 'users.json': SAMPLE_USERS, 'routes.json': { '/notes': { '*': 'owner' } } });

it('runs the authorization code flow with PKCE, and its access token reads the owner’s records only', async () => {
  const cli = await start(['db.json']);
  const { stdout } = await promisify(execFile)(process.execPath, [FLOW, cli.url, alice.email, alice.password], { timeout: 30_000 });
  const flow = JSON.parse(stdout);
  expect(flow.issuer).toBe(cli.url);
  expect(flow.callback).toMatchObject({ origin: 'http://127.0.0.1:5173', pathname: '/callback', iss: cli.url });
  expect(flow.claims).toMatchObject({ iss: cli.url, sub: String(alice.id), aud: 'my-spa', email: alice.email, email_verified: true });
  expect(typeof flow.claims.nonce).toBe('string');
  expect(typeof flow.claims.sid).toBe('string');
  expect(flow.tokenType.toLowerCase()).toBe('bearer');
  expect(flow.scope.split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile']);
  expect(flow.hasRefreshToken).toBe(true);
  expect(flow.userinfo).toMatchObject({ sub: String(alice.id), email: alice.email });
  expect(JSON.stringify(flow.userinfo)).not.toMatch(/password|\$scrypt|\$2[aby]\$/);
  expect(flow.refreshed).toEqual({ rotated: true, idTokenSub: String(alice.id) });
  expect(flow.notes).toEqual({ status: 200, body: [NOTES[0]] });
});
