import jwt from 'jsonwebtoken';
import { call, login, runCli, useCliProject, type CliProcess } from '../support';

// The banner says how tokens are signed, and where another service finds the public key to verify them.
const { project, start } = useCliProject();
let server: CliProcess;
const loginAt = (url: string) => login(url, 'alice@example.com', 'alice123');
const headerOf = (token: string) => jwt.decode(token, { complete: true })!.header;
/** The banner's paragraph about signing, trimmed: from the line that starts with "Signing" to the next blank line. */
const signingLines = (banner: string) => {
  const lines = banner.split('\n').map((line) => line.trim());
  const first = lines.findIndex((line) => line.startsWith('Signing'));
  if (first === -1) return [];
  const end = lines.indexOf('', first);
  return lines.slice(first, end === -1 ? undefined : end);
};

describe.each(['RS256', 'ES256', 'EdDSA'])('--alg %s', (alg) => {
  it('names the algorithm, the kid the tokens carry, and the JWKS and discovery URLs, which answer', async () => {
    server = await start(['db.json', '--alg', alg]);
    const { kid } = headerOf(await loginAt(server.url));
    expect(signingLines(server.output())).toEqual([
      `Signing    ${alg}, key ${kid}`,
      `JWKS       ${server.url}/.well-known/jwks.json`,
      `Discovery  ${server.url}/.well-known/openid-configuration`,
      `OpenID     issuer ${server.url}: ${server.url}/auth/authorize (code flow with PKCE), /auth/token, /auth/userinfo, /auth/end-session`,
    ]);
    const jwks = await call(`${server.url}/.well-known/jwks.json`, 'GET');
    expect(jwks.body.keys).toEqual(expect.arrayContaining([expect.objectContaining({ kid, alg })]));
    const discovery = await call(`${server.url}/.well-known/openid-configuration`, 'GET');
    expect(discovery.body.jwks_uri).toBe(`${server.url}/.well-known/jwks.json`);
    expect(discovery.body).toMatchObject({
      issuer: server.url,
      authorization_endpoint: `${server.url}/auth/authorize`,
      code_challenge_methods_supported: ['S256'],
    });
  });
});

it('after keys rotate and a restart, names the new key: the one that signs', async () => {
  server = await start(['db.json', '--alg', 'RS256']);
  const before = headerOf(await loginAt(server.url)).kid;
  const rotated = await runCli(['keys', 'rotate'], project.dir);
  const newKid = rotated.stdout.split(/\s+/)[0];
  // Until the next start the old key signs, and the banner already printed says so.
  expect(signingLines(server.output())[0]).toBe(`Signing    RS256, key ${before}`);
  await server.stop();

  server = await start(['db.json', '--alg', 'RS256']);
  expect(signingLines(server.output())[0]).toBe(`Signing    RS256, key ${newKid}`);
  expect(headerOf(await loginAt(server.url)).kid).toBe(newKid);
});

describe.each([
  ['--alg HS256', ['--alg', 'HS256'], {}],
  ['JWT_SECRET', [], { JWT_SECRET: 'a-course-secret-that-is-at-least-32-bytes-long' }],
])('HS256 (%s)', (_name, flags, env) => {
  it('says the secret is shared and names no key and no JWKS', async () => {
    server = await start(['db.json', ...flags], env);
    expect(headerOf(await loginAt(server.url))).toMatchObject({ alg: 'HS256' });
    const banner = server.output();
    expect(signingLines(banner)).toEqual(['Signing    HS256 (shared secret; no public key to publish, so no OpenID provider: drop --secret for both)']);
    expect(banner).not.toContain('/.well-known/');
  });
});
