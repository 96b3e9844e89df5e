import { call, makeProject, SAMPLE_DB, SAMPLE_USERS } from '../support';
import { start } from '../../src/index';

describe('start() for test suites', () => {
  it('starts on port 0, writes, resets data, accounts and sessions, and closes', async () => {
    const project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS });
    const server = await start({ db: project.file('db.json') });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const login = await call(`${server.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
    const token = login.body.accessToken;
    expect((await call(`${server.url}/posts`, 'POST', { title: 'to be reset' }, token)).status).toBe(201);
    expect((await call(`${server.url}/auth/register`, 'POST', { email: 'temp@example.com', password: 'temp-password' })).status).toBe(201);
    const dataAtStart = JSON.parse(JSON.stringify(SAMPLE_DB));

    await server.reset();
    expect(project.json('db.json')).toEqual(dataAtStart);
    expect((project.json('users.json') as Array<{ email: string }>).map((user) => user.email)).toEqual(SAMPLE_USERS.map((user) => user.email));
    expect((await call(`${server.url}/posts`, 'GET', undefined, token)).status).toBe(401); // sessions ended
    const again = await call(`${server.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
    expect((await call(`${server.url}/posts`, 'GET', undefined, again.body.accessToken)).body).toEqual(SAMPLE_DB.posts);
    expect((await call(`${server.url}/auth/login`, 'POST', { email: 'temp@example.com', password: 'temp-password' })).status).toBe(401);

    await server.close();
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
    project.cleanup();
  });

  it('POST /__reset exists only with allowReset, and only for admins', async () => {
    const project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS });
    const plain = await start({ db: project.file('db.json') });
    const admin = (await call(`${plain.url}/auth/login`, 'POST', { email: 'admin@example.com', password: 'admin123' })).body.accessToken;
    expect((await call(`${plain.url}/__reset`, 'POST', {}, admin)).status).toBe(404);
    await plain.close();

    const resettable = await start({ db: project.file('db.json'), allowReset: true });
    const asAdmin = (await call(`${resettable.url}/auth/login`, 'POST', { email: 'admin@example.com', password: 'admin123' })).body.accessToken;
    const asUser = (await call(`${resettable.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken;
    await call(`${resettable.url}/posts`, 'POST', { title: 'x' }, asUser);
    expect((await call(`${resettable.url}/__reset`, 'POST', {})).status).toBe(401);
    expect((await call(`${resettable.url}/__reset`, 'POST', {}, asUser)).status).toBe(403);
    expect((await call(`${resettable.url}/__reset`, 'POST', {}, asAdmin)).status).toBe(204);
    expect(project.json('db.json')).toEqual(JSON.parse(JSON.stringify(SAMPLE_DB)));
    await resettable.close();
    project.cleanup();
  });
});
