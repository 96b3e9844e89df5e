import { call, errorCodeOf, makeProject, runCli, SAMPLE_DB, startCli, type Project } from '../support';

// The config file's `clients` list, through the command line as a process: it reaches the OpenID provider, and a bad
// entry stops the start like any bad config-file key.

let project: Project;
beforeEach(() => {
  project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': [{ email: 'alice@example.com', password: 'alice123' }] });
});
afterEach(() => project.cleanup());

const authorize = (clientId: string, redirectUri: string) =>
  `/auth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  })}`;

it('json-server.json with clients: the name on the login page, the registered redirect URI only, the secret methods in discovery', async () => {
  project.write('json-server.json', {
    clients: [{ id: 'shop', name: 'Shop Front', secret: 'shop-secret', redirectUris: ['https://shop.test/cb'], accessTtl: '10m' }],
  });
  const cli = await startCli(['db.json'], project.dir);
  try {
    const page = await call(`${cli.url}${authorize('shop', 'https://shop.test/cb')}`, 'GET');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Shop Front');
    expect((await call(`${cli.url}${authorize('shop', 'http://localhost:5173/cb')}`, 'GET')).status).toBe(400);
    const discovery = await call(`${cli.url}/.well-known/openid-configuration`, 'GET');
    expect((discovery.body as Record<string, unknown>).token_endpoint_auth_methods_supported).toContain('client_secret_basic');
  } finally {
    await cli.stop();
  }
});

it.each([
  ['a duplicate id', [{ id: 'shop' }, { id: 'shop' }], /json-server\.json: "clients": clients\[1\] \("shop"\)/],
  ['no id', [{ name: 'Shop' }], /json-server\.json: "clients": clients\[0\]: "id" is required/],
  ['not a list', { id: 'shop' }, /json-server\.json: "clients": must be a list/],
])('a clients list with %s exits 2 with ERR_CONFIG_FILE naming the file and the entry', async (_case, clients, message) => {
  project.write('json-server.json', { clients });
  const result = await runCli(['db.json', '--quiet'], project.dir);
  expect(result.code).toBe(2);
  expect(errorCodeOf(result.stderr)).toBe('ERR_CONFIG_FILE');
  expect(result.stderr).toMatch(message);
});
