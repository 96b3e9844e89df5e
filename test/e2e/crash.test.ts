import { call, makeProject, SAMPLE_USERS, startCli } from '../support';

// Every write that got a 2xx must be in db.json after a SIGKILL, and db.json must parse.
it('a SIGKILL in the middle of a storm of writes loses no acknowledged write', async () => {
  const filler = Array.from({ length: 3000 }, (_, index) => ({ id: index + 1, title: `post ${index}`, body: 'x'.repeat(200) }));
  const project = makeProject({ 'db.json': { posts: filler }, 'users.json': SAMPLE_USERS });
  let cli = await startCli(['db.json'], project.dir);
  const login = await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
  const token = login.body.accessToken as string;

  const acknowledged: string[] = [];
  let stop = false;
  const client = async (clientId: number) => {
    for (let sent = 0; !stop && sent < 400; sent++) {
      const title = `storm ${clientId}-${sent}`;
      try {
        const response = await call(`${cli.url}/posts`, 'POST', { title }, token);
        if (response.status >= 200 && response.status < 300) acknowledged.push(title);
      } catch {
        return; // the server is gone
      }
    }
  };
  const clients = Array.from({ length: 8 }, (_, id) => client(id));
  // Kill once a good number of writes are acknowledged, while the others are in flight.
  for (let waited = 0; acknowledged.length < 150 && waited < 3000; waited++) await new Promise((resolve) => setTimeout(resolve, 10));
  const exited = new Promise((resolve) => cli.child.once('exit', resolve));
  cli.child.kill('SIGKILL');
  stop = true;
  await Promise.all(clients);
  await exited;

  const saved = project.json('db.json') as { posts: Array<{ title: string }> }; // parses
  const titles = new Set(saved.posts.map((post) => post.title));
  expect(acknowledged.length).toBeGreaterThanOrEqual(150);
  expect(acknowledged.filter((title) => !titles.has(title))).toEqual([]);

  cli = await startCli(['db.json'], project.dir);
  try {
    const relogin = await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
    const after = await call(`${cli.url}/posts?title_like=^storm&_limit=1`, 'GET', undefined, relogin.body.accessToken);
    expect(Number(after.headers.get('x-total-count'))).toBeGreaterThanOrEqual(acknowledged.length);
  } finally {
    await cli.stop();
    project.cleanup();
  }
});

it('SIGTERM lets the writes in flight finish and saves them before exiting 0', async () => {
  const project = makeProject({ 'db.json': { posts: [] }, 'users.json': SAMPLE_USERS });
  const cli = await startCli(['db.json'], project.dir);
  const token = (await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken;
  const writes = Array.from({ length: 20 }, (_, index) => call(`${cli.url}/posts`, 'POST', { title: `t${index}` }, token).catch(() => undefined));
  await new Promise((resolve) => setTimeout(resolve, 5));
  const code = await cli.stop();
  const results = await Promise.all(writes);
  expect(code).toBe(0);
  const acknowledged = results.filter((result) => result && result.status === 201).map((result) => result!.body.title);
  const saved = (project.json('db.json') as { posts: Array<{ title: string }> }).posts.map((post) => post.title);
  for (const title of acknowledged) expect(saved).toContain(title);
  project.cleanup();
});
