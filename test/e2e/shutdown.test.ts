import http from 'node:http';
import { start } from '../../src/app/start';
import { makeProject, SAMPLE_DB, SAMPLE_USERS, startCli } from '../support';

// Each client keeps its connection open after the answer, as fetch, browsers and supertest agents do.
function getKeptAlive(url: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode!));
      })
      .once('error', reject);
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await work();
  return Date.now() - started;
}

describe('shutdown with a keep-alive client', () => {
  let agent: http.Agent;
  beforeEach(() => (agent = new http.Agent({ keepAlive: true })));
  afterEach(() => agent.destroy());

  it('start().close() closes an idle kept-alive connection at once', async () => {
    const project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS });
    const server = await start({ db: project.file('db.json') });
    expect(await getKeptAlive(`${server.url}/posts`, agent)).toBe(401);
    expect(await timed(() => server.close())).toBeLessThan(1000); // the 3 s allowed to a busy client never starts
    project.cleanup();
  });

  it('start().close() lets a request in flight finish, then closes its connection', async () => {
    const project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS });
    const server = await start({ db: project.file('db.json'), delay: 300 });
    const answered = getKeptAlive(`${server.url}/posts`, agent);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = timed(() => server.close());
    expect(await answered).toBe(401);
    expect(await closing).toBeLessThan(1500);
    project.cleanup();
  });

  it('the command line exits at once on SIGTERM, with a client connection kept alive', async () => {
    const project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS });
    const cli = await startCli(['db.json'], project.dir);
    expect(await getKeptAlive(`${cli.url}/posts`, agent)).toBe(401);
    let code: number | null = null;
    expect(await timed(async () => (code = await cli.stop()))).toBeLessThan(1500);
    expect(code).toBe(0);
    project.cleanup();
  });
});
