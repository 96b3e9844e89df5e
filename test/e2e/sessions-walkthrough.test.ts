import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { call, makeProject, ROOT, runCli, startCli, type CliProcess, type Project } from '../support';

// The README's "Sessions" walkthrough, its curl commands as HTTP requests, against the built command line started
// as the walkthrough starts it (the repository's db.json, users.json and routes.json, --refresh-reuse-interval 0),
// one step right after the other, as a pasted block runs.

let project: Project;
let cli: CliProcess | undefined;
beforeEach(() => {
  project = makeProject({});
  for (const file of ['db.json', 'users.json', 'routes.json']) copyFileSync(path.join(ROOT, file), project.file(file));
});
afterEach(async () => {
  await cli?.stop();
  cli = undefined;
  project.cleanup();
});

const ALICE = { email: 'alice@example.com', password: 'alice123' };

it('shows what the README says at each step', async () => {
  cli = await startCli(['db.json', '--refresh-reuse-interval', '0'], project.dir);
  const url = cli.url;
  const login = await call(`${url}/auth/login`, 'POST', ALICE);
  const { accessToken: access, refreshToken: refresh } = login.body;
  expect(typeof access).toBe('string');

  // 1. refresh: a new pair; the old refresh token is now spent
  const fresh = await call(`${url}/auth/refresh`, 'POST', { refreshToken: refresh });
  expect(fresh.status).toBe(200);
  expect((await call(`${url}/profile`, 'GET', undefined, fresh.body.accessToken)).status).toBe(200);

  // 2. the reuse attack: someone replays the old refresh token
  const replay = await call(`${url}/auth/refresh`, 'POST', { refreshToken: refresh });
  expect(replay.status).toBe(401);
  expect(replay.body).toMatchObject({ error: 'invalid_grant', message: expect.stringContaining('it was already used, so the session has been ended') });
  const after = await call(`${url}/profile`, 'GET', undefined, fresh.body.accessToken);
  expect(after.headers.get('www-authenticate')).toMatch(/^Bearer realm="fake-jwt-api", error="invalid_token", error_description="the session has ended/);

  // 3. logout: log in again, then end the session; the token dies at once
  const again = (await call(`${url}/auth/login`, 'POST', ALICE)).body.accessToken;
  expect((await call(`${url}/auth/logout`, 'POST', undefined, again)).status).toBe(204);
  expect((await call(`${url}/profile`, 'GET', undefined, again)).status).toBe(401);
});

it('without --refresh-reuse-interval 0, step 2 within 10 s is two tabs, not an attack: the same successor', async () => {
  cli = await startCli(['db.json'], project.dir);
  const { refreshToken } = (await call(`${cli.url}/auth/login`, 'POST', ALICE)).body;
  const first = await call(`${cli.url}/auth/refresh`, 'POST', { refreshToken });
  const repeat = await call(`${cli.url}/auth/refresh`, 'POST', { refreshToken });
  expect(repeat.status).toBe(200);
  expect(repeat.body.refreshToken).toBe(first.body.refreshToken);
});

it('--refresh-reuse-interval refuses what is not a duration, saying so (exit 2)', async () => {
  const { code, stderr } = await runCli(['db.json', '--refresh-reuse-interval', 'soon'], project.dir);
  expect(code).toBe(2);
  expect(stderr).toContain('--refresh-reuse-interval');
});
