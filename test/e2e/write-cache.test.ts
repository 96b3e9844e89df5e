import { call, makeProject, startCli } from '../support';
import { ATTACK_USERS } from '../support/attack-project';

// Issue 10, item 5: every acknowledged change is in db.json right after its 2xx and after a restart, whatever
// db.json writes happen between the access check and the change (the bytes cache is dropped at the mutation).
it('a storm of PATCH and PUT, with and without delays, among concurrent creates, loses nothing acknowledged', async () => {
  const posts = Array.from({ length: 40 }, (_, index) => ({ id: index + 1, title: `post ${index + 1}`, body: 'x'.repeat(100) }));
  const project = makeProject({ 'db.json': { posts }, 'users.json': ATTACK_USERS, 'routes.json': { '/posts': { '*': 'authenticated' } } });
  let cli = await startCli(['db.json'], project.dir);
  try {
    const token = (await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken as string;
    const expected = new Map<number, string>();
    const missing: string[] = [];
    const checkOnDisk = (id: number, title: string) => {
      const onDisk = (project.json('db.json') as { posts: Array<{ id: number; title: string }> }).posts.find((post) => post.id === id);
      if (onDisk?.title !== title) missing.push(`${id}: ${title} (disk: ${onDisk?.title})`);
    };
    const deadline = Date.now() + 3000;
    const updater = async (worker: number) => {
      for (let round = 0; Date.now() < deadline; round++) {
        const id = 1 + worker * 10 + (round % 10); // each worker its own records, so the last write of each is known
        const title = `w${worker} r${round}`;
        const delay = round % 3 === 0 ? '?_delay=20' : '';
        const method = round % 2 === 0 ? 'PATCH' : 'PUT';
        const response = await call(`${cli.url}/posts/${id}${delay}`, method, { title, body: 'y' }, token);
        if (response.status !== 200) throw new Error(`${method} answered ${response.status}`);
        expected.set(id, title);
        checkOnDisk(id, title);
      }
    };
    const creator = async () => {
      while (Date.now() < deadline) await call(`${cli.url}/posts`, 'POST', { title: 'filler' }, token);
    };
    await Promise.all([updater(0), updater(1), updater(2), updater(3), creator(), creator()]);
    expect(missing).toEqual([]);
    expect(await cli.stop()).toBe(0);
    cli = await startCli(['db.json'], project.dir);
    const relogged = (await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken as string;
    const served = (await call(`${cli.url}/posts`, 'GET', undefined, relogged)).body as Array<{ id: number; title: string }>;
    for (const [id, title] of expected) expect(served.find((post) => post.id === id)?.title).toBe(title);
  } finally {
    await cli.stop();
    project.cleanup();
  }
});
