import { existsSync, readdirSync } from 'node:fs';
import { BIN, call, errorCodeOf, freePort, login, makeProject, pollUntil, portInUse, runCli, SAMPLE_DB, startCli, type Project } from '../support';

let project: Project;
beforeEach(() => {
  project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': [{ email: 'alice@example.com', password: 'alice123' }] });
});
afterEach(() => project.cleanup());

/** Logs in over the CLI's real port; alice by default, the account every project here has. */
const loginOver = (url: string, email = 'alice@example.com', password = 'alice123') => login(url, email, password);

describe('serving', () => {
  it('a teacher writes { email, password } into users.json, logs in as alice and reads /posts; anonymous gets a 401', async () => {
    const cli = await startCli(['db.json'], project.dir);
    try {
      const anonymous = await call(`${cli.url}/posts`, 'GET');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="fake-jwt-api"');
      const token = await loginOver(cli.url);
      const posts = await call(`${cli.url}/posts`, 'GET', undefined, token);
      expect(posts.status).toBe(200);
      expect(posts.body).toEqual(SAMPLE_DB.posts);
      expect(project.read('users.json')).toBe(JSON.stringify([{ email: 'alice@example.com', password: 'alice123' }], null, 2)); // as the teacher wrote it
    } finally {
      await cli.stop();
    }
  });

  it('names no playground in the banner when the static folder has its own index.html', async () => {
    project.write('public/index.html', '<h1>my app</h1>');
    const cli = await startCli(['db.json'], project.dir);
    try {
      expect(cli.output()).not.toContain('playground');
      expect((await call(cli.url, 'GET')).body).toBe('<h1>my app</h1>');
    } finally {
      await cli.stop();
    }
  });

  it('registers, logs in and writes over real HTTP, and the banner lists resources, accounts and a login curl', async () => {
    const cli = await startCli(['db.json'], project.dir);
    try {
      const registered = await call(`${cli.url}/auth/register`, 'POST', { email: 'new@example.com', password: 'new-password' });
      expect(registered.status).toBe(201);
      const token = await loginOver(cli.url, 'new@example.com', 'new-password');
      const created = await call(`${cli.url}/posts`, 'POST', { title: 'over http' }, token);
      expect(created.status).toBe(201);
      expect(JSON.stringify(project.json('db.json'))).toContain('over http');
      const banner = cli.output();
      expect(banner).toContain(`Open ${cli.url} in a browser: the playground`);
      expect(banner).toMatch(/\/posts\s+authenticated\s+authenticated/);
      expect(banner).toMatch(/\/db\s+admin/);
      expect(banner).toMatch(/alice@example\.com\s+user/);
      expect(banner).toContain(
        `curl -X POST ${cli.url}/auth/login -H 'Content-Type: application/json' -d '{"email":"alice@example.com","password":"alice123"}'`,
      );
    } finally {
      await cli.stop();
    }
  });

  it('writes starter files for a missing db and says so', async () => {
    const empty = makeProject({});
    const cli = await startCli([], empty.dir);
    try {
      expect(cli.output()).toContain('Created db.json, users.json, routes.json');
      for (const name of ['db.json', 'users.json', 'routes.json']) expect(existsSync(empty.file(name))).toBe(true);
      const token = await loginOver(cli.url, 'alice@example.com', 'alice123');
      expect((await call(`${cli.url}/api/posts`, 'GET', undefined, token)).status).toBe(200); // the starter rewrite
    } finally {
      await cli.stop();
      empty.cleanup();
    }
  });

  it('serves data from a .js file exporting a function', async () => {
    project.write('data.js', 'module.exports = () => ({ items: Array.from({ length: 3 }, (_, i) => ({ id: i + 1 })) })');
    const cli = await startCli(['data.js'], project.dir);
    try {
      const token = await loginOver(cli.url);
      expect((await call(`${cli.url}/items`, 'GET', undefined, token)).body).toHaveLength(3);
    } finally {
      await cli.stop();
    }
  });

  it('exits 0 on SIGTERM', async () => {
    const cli = await startCli(['db.json'], project.dir);
    expect(await cli.stop()).toBe(0);
  });
});

describe("json-server's flags, as json-server users type them", () => {
  it.each([['--no-cors'], ['--nc'], ['--no-cors=true'], ['--noCors']])('%s really turns CORS off', async (flag) => {
    const cli = await startCli(['db.json', flag], project.dir);
    try {
      const response = await fetch(`${cli.url}/posts`, { headers: { Origin: 'http://app.example' } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await cli.stop();
    }
  });

  it('CORS is on by default', async () => {
    const cli = await startCli(['db.json'], project.dir);
    try {
      const response = await fetch(`${cli.url}/posts`, { headers: { Origin: 'http://app.example' } });
      expect(response.headers.get('access-control-allow-origin')).toBe('http://app.example');
    } finally {
      await cli.stop();
    }
  });

  it.each([['--ro'], ['--read-only=true'], ['--read-only']])('%s refuses writes with a JSON 403', async (flag) => {
    const cli = await startCli(['db.json', flag], project.dir);
    try {
      const token = await loginOver(cli.url);
      const response = await call(`${cli.url}/posts`, 'POST', { title: 'x' }, token);
      expect(response.status).toBe(403);
      expect(response.body.error).toBe('forbidden');
    } finally {
      await cli.stop();
    }
  });

  it('--read-only=false leaves writes on', async () => {
    const cli = await startCli(['db.json', '--read-only=false'], project.dir);
    try {
      const token = await loginOver(cli.url);
      expect((await call(`${cli.url}/posts`, 'POST', { title: 'x' }, token)).status).toBe(201);
    } finally {
      await cli.stop();
    }
  });

  it('--fks _id sets the foreign key of nested routes', async () => {
    project.write('db.json', {
      posts: [{ id: 1 }],
      comments: [
        { id: 1, post_id: 1 },
        { id: 2, post_id: 9 },
      ],
    });
    const cli = await startCli(['db.json', '--fks', '_id'], project.dir);
    try {
      const token = await loginOver(cli.url);
      expect((await call(`${cli.url}/posts/1/comments`, 'GET', undefined, token)).body).toEqual([{ id: 1, post_id: 1 }]);
    } finally {
      await cli.stop();
    }
  });

  it('-d 300 delays responses', async () => {
    const cli = await startCli(['db.json', '-d', '300'], project.dir);
    try {
      const token = await loginOver(cli.url);
      const started = Date.now();
      await call(`${cli.url}/posts`, 'GET', undefined, token);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await cli.stop();
    }
  });

  it('-c reads options from a config file, and flags win over it', async () => {
    project.write('server.json', { readOnly: true, 'access-ttl': '10m' });
    const cli = await startCli(['db.json', '-c', 'server.json'], project.dir);
    try {
      const login = await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
      expect(login.body.expiresIn).toBe(600);
      expect((await call(`${cli.url}/posts`, 'POST', { title: 'x' }, login.body.accessToken)).status).toBe(403);
    } finally {
      await cli.stop();
    }
  });

  it('-m runs middlewares after the access check, and custom routes need a token', async () => {
    project.write(
      'stamp.js',
      "module.exports = (req, res, next) => { if (req.path === '/hello') return res.json({ hello: req.auth.email }); if (req.method === 'POST') req.body.stamped = true; next() }",
    );
    const cli = await startCli(['db.json', '-m', 'stamp.js'], project.dir);
    try {
      const token = await loginOver(cli.url);
      expect((await call(`${cli.url}/posts`, 'POST', { title: 'x' }, token)).body).toMatchObject({ stamped: true });
      expect((await call(`${cli.url}/hello`, 'GET', undefined, token)).body).toEqual({ hello: 'alice@example.com' });
      expect((await call(`${cli.url}/hello`, 'GET')).status).toBe(401);
      expect((await call(`${cli.url}/nothing`, 'GET', undefined, token)).status).toBe(404);
    } finally {
      await cli.stop();
    }
  });

  it('--watch reloads when db.json changes by hand', async () => {
    const cli = await startCli(['db.json', '--watch'], project.dir);
    try {
      const token = await loginOver(cli.url);
      expect((await call(`${cli.url}/tags`, 'GET', undefined, token)).status).toBe(404);
      project.write('db.json', { ...SAMPLE_DB, tags: [{ id: 1, name: 'new' }] });
      const status = await pollUntil(
        async () => (await call(`${cli.url}/tags`, 'GET', undefined, token)).status,
        (seen) => seen === 200,
      );
      expect(status).toBe(200);
    } finally {
      await cli.stop();
    }
  });

  it('--watch reloads routes.json when it changes', async () => {
    project.write('routes.json', { '/posts': { read: 'authenticated' } });
    const cli = await startCli(['db.json', '--watch'], project.dir);
    try {
      expect((await call(`${cli.url}/posts`, 'GET')).status).toBe(401);
      project.write('routes.json', { '/posts': { read: 'public' } });
      const status = await pollUntil(
        async () => (await call(`${cli.url}/posts`, 'GET')).status,
        (seen) => seen === 200,
      );
      expect(status).toBe(200);
    } finally {
      await cli.stop();
    }
  });

  it('a routes.json rule that cannot be understood exits 2 naming the key', async () => {
    project.write('routes.json', { '/posts': { read: 'every one' } });
    const result = await runCli(['db.json'], project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(errorCodeOf(result.stderr)).toBe('ERR_ROUTES_FILE');
    expect(result.stderr).toMatch(/routes\.json: "\/posts": "read": "every one" is not a role name/);
  });

  it('logs one line per request: method, path, status, time, and who asked', async () => {
    const cli = await startCli(['db.json'], project.dir);
    try {
      await call(`${cli.url}/posts`, 'GET');
      const token = await loginOver(cli.url);
      await call(`${cli.url}/posts/1`, 'GET', undefined, token);
      const lines = await pollUntil(
        async () => cli.output().split('\n'),
        (seen) => seen.some((line) => line.startsWith('GET /posts/1 ')),
      );
      expect(lines).toContainEqual(expect.stringMatching(/^GET \/posts 401 \d+\.\d ms anonymous$/));
      expect(lines).toContainEqual(expect.stringMatching(/^POST \/auth\/login 200 \d+\.\d ms anonymous$/));
      expect(lines).toContainEqual(expect.stringMatching(/^GET \/posts\/1 200 \d+\.\d ms user 1 \(user\)$/));
    } finally {
      await cli.stop();
    }
  });

  it('names the caller of a valid token even when the body is not JSON; a bad token is anonymous, not a 500', async () => {
    const cli = await startCli(['db.json'], project.dir);
    try {
      const token = await loginOver(cli.url);
      const send = (bearer: string) =>
        fetch(`${cli.url}/posts`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` }, body: '{ not json' });
      expect((await send(token)).status).toBe(400);
      expect((await send(`${token.slice(0, -4)}AAAA`)).status).toBe(400);
      expect((await send('not-a-token')).status).toBe(400);
      const lines = await pollUntil(
        async () => cli.output().split('\n'),
        (seen) => seen.filter((line) => line.startsWith('POST /posts 400 ')).length === 3,
      );
      expect(lines.filter((line) => line.startsWith('POST /posts 400 '))).toEqual([
        expect.stringMatching(/ ms user 1 \(user\)$/),
        expect.stringMatching(/ ms anonymous$/),
        expect.stringMatching(/ ms anonymous$/),
      ]);
      expect((await call(`${cli.url}/posts`, 'GET', undefined, token)).status).toBe(200);
    } finally {
      await cli.stop();
    }
  });

  it('--quiet prints nothing on start', async () => {
    const port = await freePort();
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, 'db.json', '--quiet', '--port', String(port), '--host', '127.0.0.1'], { cwd: project.dir });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const status = await pollUntil(
      () =>
        fetch(`http://127.0.0.1:${port}/posts`).then(
          (response) => response.status,
          () => 0,
        ),
      (seen) => seen !== 0,
    );
    expect(status).toBe(401);
    await call(`http://127.0.0.1:${port}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(output).toBe('');
  });
});

describe('exit codes and one-line reasons', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^fake-jwt-api: /);
  };

  it.each([
    ['an unknown flag', ['db.json', '--bogus'], {}, 'ERR_USAGE'],
    ['a bad port', ['db.json', '--port', 'abc'], {}, 'ERR_OPTION'],
    ['a bad PORT', ['db.json'], { PORT: '99999' }, 'ERR_OPTION'],
    ['a bad --default-access', ['db.json', '--default-access', 'everyone'], {}, 'ERR_OPTION'],
    ['a bad --access-ttl', ['db.json', '--access-ttl', 'soon'], {}, 'ERR_OPTION'],
    ['a short --secret', ['db.json', '--secret', 'short'], {}, 'ERR_OPTION'],
    ['a short JWT_SECRET', ['db.json'], { JWT_SECRET: 'short' }, 'ERR_OPTION'],
    ['a missing config file', ['db.json', '-c', 'nope.json'], {}, 'ERR_CONFIG_FILE'],
  ])('%s exits 2 with %s', async (_case, args, env, code) => {
    const result = await runCli([...args, '--quiet'], project.dir, env);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(errorCodeOf(result.stderr)).toBe(code);
  });

  it('a config file with an unknown key exits 2 naming the file and the key', async () => {
    project.write('json-server.json', { prot: 3001 });
    const result = await runCli(['db.json'], project.dir);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(errorCodeOf(result.stderr)).toBe('ERR_CONFIG_FILE');
    expect(result.stderr).toMatch(/json-server\.json: "prot"/);
  });

  it('a broken users.json exits 2 naming the file, even with --quiet', async () => {
    project.write('users.json', '[{ "email": ');
    const result = await runCli(['db.json', '--quiet'], project.dir);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(errorCodeOf(result.stderr)).toBe('ERR_USERS_FILE');
    expect(result.stderr).toMatch(/users\.json: not valid JSON/);
  });

  it('a db json-server cannot serve exits 1', async () => {
    project.write('db.json', { posts: 'not a collection' });
    const result = await runCli(['db.json'], project.dir);
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(errorCodeOf(result.stderr)).toBe('ERR_DB_FILE');
  });

  it('a port in use exits 1', async () => {
    const blocker = await portInUse();
    const result = await runCli(['db.json', '--port', String(blocker.port), '--host', '127.0.0.1'], project.dir);
    await blocker.close();
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(errorCodeOf(result.stderr)).toBe('ERR_PORT_IN_USE');
  });

  it('--help shows real examples and exits 0', async () => {
    const result = await runCli(['--help'], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('fake-jwt-api db.json');
  });

  it('--help says the routes file holds the access rules, with an example', async () => {
    const { stdout } = await runCli(['--help'], project.dir);
    expect(stdout).toMatch(/-r, --routes <file>\s+access rules, rewrites/);
    expect(stdout).toContain('{"/notes": {"*": "owner"}');
  });

  it('`users` without add or list shows its help on stderr and exits 2', async () => {
    const result = await runCli(['users'], project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: fake-jwt-api users');
    expect(result.stderr).not.toContain('(outputHelp)');
  });
});

describe('help', () => {
  it.each([
    [['help'], 'Usage: fake-jwt-api [options] [command] [db]'],
    [['help', 'users'], 'Usage: fake-jwt-api users'],
    [['help', 'token'], 'Usage: fake-jwt-api token'],
  ])('%j prints help, exits 0 and writes no file', async (args, usage) => {
    const empty = makeProject({});
    try {
      const result = await runCli(args, empty.dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(usage);
      expect(readdirSync(empty.dir)).toEqual([]);
    } finally {
      empty.cleanup();
    }
  });

  it('says how to serve a db file named help, and ./help serves it', async () => {
    expect((await runCli(['help'], project.dir)).stdout).toContain('fake-jwt-api ./help');
    project.write('help', SAMPLE_DB);
    const cli = await startCli(['./help'], project.dir);
    try {
      const token = await loginOver(cli.url);
      expect((await call(`${cli.url}/posts`, 'GET', undefined, token)).body).toEqual(SAMPLE_DB.posts);
    } finally {
      await cli.stop();
    }
  });
});

describe('the banner in --cookie mode', () => {
  it('shows the cookie the refresh token travels in, the pages that may use it, and the lifetimes', async () => {
    const cli = await startCli(['db.json', '--cookie', '--cors-origin', 'https://app.example.com', '--access-ttl', '15m'], project.dir);
    try {
      const banner = cli.output();
      expect(banner).not.toContain('{ refreshToken }');
      expect(banner).toContain('fja_refresh (HttpOnly; Path=/auth; SameSite=Lax)');
      expect(banner).toContain(`this machine's (localhost, 127.0.0.1, [::1], any port), this server's own (${cli.url}), https://app.example.com`);
      expect(banner).toContain('access 15m, refresh 7d');
      expect(banner).toContain('session 30d');
    } finally {
      await cli.stop();
    }
  });

  it('without --cookie, shows refreshToken in the body, and the lifetimes', async () => {
    const cli = await startCli(['db.json'], project.dir);
    try {
      expect(cli.output()).toContain('{ refreshToken }');
      expect(cli.output()).not.toContain('fja_refresh');
      expect(cli.output()).toContain('access 1h, refresh 7d');
    } finally {
      await cli.stop();
    }
  });
});
