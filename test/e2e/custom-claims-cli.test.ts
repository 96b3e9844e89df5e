import jwt, { type JwtPayload } from 'jsonwebtoken';
import { call, errorCodeOf, runCli, useCliProject } from '../support';

// --claims as a user runs it (README "Custom claims"): the flag and the config-file key, and a reserved name that
// stops the start with one line saying which and why.
const { project, start } = useCliProject();

it('--claims name,department puts them in the tokens of a login', async () => {
  project.write('users.json', [{ id: 1, email: 'alice@example.com', password: 'alice123', name: 'Alice', department: 'Sales' }]);
  const server = await start(['db.json', '--claims', 'name,department']);
  const { body } = await call(`${server.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
  expect(jwt.decode(body.accessToken) as JwtPayload).toMatchObject({ sub: '1', name: 'Alice', department: 'Sales' });
});

it('"claims" in json-server.json does the same, as a list', async () => {
  project.write('users.json', [{ id: 1, email: 'alice@example.com', password: 'alice123', name: 'Alice', department: 'Sales' }]);
  project.write('json-server.json', { claims: ['department'] });
  const server = await start(['db.json']);
  const { body } = await call(`${server.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
  expect(jwt.decode(body.accessToken) as JwtPayload).toMatchObject({ department: 'Sales' });
  expect(jwt.decode(body.accessToken) as JwtPayload).not.toHaveProperty('name');
});

it.each([
  [['--claims', 'name,role'], /--claims: "role" is set by the server itself and cannot come from a profile field/],
  [['--claims', 'sub'], /--claims: "sub" is a registered JWT claim \(RFC 7519 §4\.1\), set by the server itself/],
  [['--claims', 'password'], /--claims: "password" is an account field no client may set/],
  [['--claims', 'name', '--claims', 'name'], /--claims: "name" is listed twice/],
])('%j stops the start: exit 2, one line naming the flag, the name and why', async (args, message) => {
  const run = await runCli(['db.json', ...args], project.dir);
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(errorCodeOf(run.stderr)).toBe('ERR_OPTION');
  expect(run.stderr).toMatch(message);
});

it('a reserved name in the config file stops the start too', async () => {
  project.write('json-server.json', { claims: 'name,nonce' });
  const run = await runCli(['db.json'], project.dir);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--claims: "nonce" is an ID token claim/);
});
