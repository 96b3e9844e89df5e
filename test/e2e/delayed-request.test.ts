import { call, makeProject, startCli } from '../support';
import { ATTACK_ROUTES, ATTACK_USERS, attackDb, useAttackServers, type AttackServer } from '../support/attack-project';

const startAttackServer = useAttackServers();

// Issue 10, item 3: nothing asynchronous sits between the access decision and the data change it permits, and
// ids are never given twice, so a held reference can never come to point at someone else's record.
let server: AttackServer;
beforeEach(async () => {
  server = await startAttackServer();
});

describe('a delayed request never acts on a record created later in its place', () => {
  it.each(['GET', 'PATCH', 'PUT', 'DELETE'])('%s /messages/ID?_delay', async (method) => {
    const bait = (await server.as('bob', 'POST', '/messages', { text: 'bait' }).expect(201)).body.id;
    const delayed = server.as(
      'bob',
      method,
      `/messages/${bait}?_delay=600`,
      method === 'PATCH' || method === 'PUT' ? { text: 'owned by bob', userId: 3 } : undefined,
    );
    const settled = delayed.then((response) => response);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.as('bob', 'DELETE', `/messages/${bait}`).expect(200);
    const alices = (await server.as('alice', 'POST', '/messages', { text: 'alice private' }).expect(201)).body;
    expect(alices.id).not.toBe(bait);
    const response = await settled;
    expect(response.status).toBe(404);
    const stored = (await server.as('alice', 'GET', `/messages/${alices.id}`).expect(200)).body;
    expect(stored).toEqual({ text: 'alice private', userId: 2, id: alices.id });
  });

  it('--delay waits before the decision as well', async () => {
    const delayed = await startAttackServer({ delay: 300 });
    const bait = (await delayed.as('bob', 'POST', '/messages', { text: 'bait' }).expect(201)).body.id;
    const pending = delayed.as('bob', 'DELETE', `/messages/${bait}`).then((response) => response);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const alices = (await delayed.as('alice', 'POST', '/messages', { text: 'alice' })).body;
    expect((await pending).status).toBe(200);
    expect((await delayed.as('alice', 'GET', `/messages/${alices.id}`)).status).toBe(200);
  });

  it('_delay is capped and must be a plain value', async () => {
    await server.as('alice', 'GET', '/messages?_delay=3600000').expect(400);
    await server.as('alice', 'GET', '/messages?_delay[a]=1').expect(400);
    const started = Date.now();
    await server.as('alice', 'GET', '/messages?_delay=200&_delay=5000').expect(200);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('ids are never given twice', () => {
  it("a deleted newest record's id is not handed out again, nor may a client name it", async () => {
    const created = (await server.as('alice', 'POST', '/notes', { text: 'newest' }).expect(201)).body.id;
    await server.as('alice', 'DELETE', `/notes/${created}`).expect(200);
    expect((await server.as('alice', 'POST', '/notes', { text: 'next' }).expect(201)).body.id).toBe(created + 1);
    const refused = await server.as('alice', 'POST', '/notes', { id: created, text: 'again' }).expect(409);
    expect(refused.body.error).toBe('conflict');
    await server.as('alice', 'POST', '/notes', { id: String(created), text: 'again' }).expect(409);
    await server.as('alice', 'POST', '/notes', { id: created + 10, text: 'fresh id' }).expect(201);
  });

  it('an id written as the text of a number counts as that number', async () => {
    // The next note id is 4; "4" as a string takes it (the URL /notes/4 reaches it), and creates go on after it.
    await server.as('bob', 'POST', '/notes', { id: '4', text: 'text id' }).expect(201);
    expect((await server.as('alice', 'POST', '/notes', { text: 'next' }).expect(201)).body.id).toBe(5);
    await server.as('bob', 'POST', '/notes', { id: '6', text: 'another' }).expect(201);
    await server.as('bob', 'DELETE', '/notes/6').expect(200);
    await server.as('bob', 'DELETE', '/notes/4').expect(200);
    const after = (await server.as('alice', 'POST', '/notes', { text: 'after' }).expect(201)).body.id;
    expect(after).toBe(7);
    await server.as('bob', 'POST', '/notes', { id: 6, text: 'again' }).expect(409);
    await server.as('bob', 'POST', '/notes', { id: '05', text: 'again' }).expect(409);
  });

  it('a deleted string id is retired too', async () => {
    await server.as('alice', 'DELETE', '/tags/abc').expect(200);
    await server.as('alice', 'POST', '/tags', { id: 'abc', name: 'again' }).expect(409);
    const generated = (await server.as('alice', 'POST', '/tags', { name: 'new' }).expect(201)).body.id;
    expect(generated).not.toBe('abc');
  });

  it.each([
    ['an unsafe integer', '{"id": 9007199254740993, "text": "x"}'],
    ['1e308', '{"id": 1e308, "text": "x"}'],
    ['a fraction', '{"id": 1.5, "text": "x"}'],
    ['an empty string', '{"id": "", "text": "x"}'],
    ['null', '{"id": null, "text": "x"}'],
    ['an object', '{"id": {"a": 1}, "text": "x"}'],
    ['true', '{"id": true, "text": "x"}'],
  ])('a client id that is %s is a 400, and creates still work after it', async (_name, body) => {
    const response = await server.as('alice', 'POST', '/tags').set('Content-Type', 'application/json').send(body).expect(400);
    expect(response.body.error).toBe('invalid_request');
    await server.as('alice', 'POST', '/notes', { text: 'still works' }).expect(201);
  });

  it("reset() brings the marks of the start back, so a test suite's ids repeat", async () => {
    const first = (await server.as('alice', 'POST', '/notes', { text: 'one' }).expect(201)).body.id;
    await server.as('alice', 'DELETE', `/notes/${first}`).expect(200);
    await server.api.reset();
    const alice = (await server.as('anonymous', 'POST', '/auth/login', { email: 'alice@example.com', password: 'alice123' }).expect(200)).body.accessToken;
    server.tokens.alice = alice;
    expect((await server.as('alice', 'POST', '/notes', { text: 'again' }).expect(201)).body.id).toBe(first);
  });
});

describe('across restarts', () => {
  it('ids deleted before a stop, through the API or by hand while stopped, are not given again', async () => {
    const project = makeProject({ 'db.json': attackDb(), 'users.json': ATTACK_USERS, 'routes.json': ATTACK_ROUTES });
    try {
      let cli = await startCli(['db.json'], project.dir);
      let token = (await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken;
      const four = (await call(`${cli.url}/notes`, 'POST', { text: 'four' }, token)).body.id;
      const five = (await call(`${cli.url}/notes`, 'POST', { text: 'five' }, token)).body.id;
      expect((await call(`${cli.url}/notes/${five}`, 'DELETE', undefined, token)).status).toBe(200);
      expect(await cli.stop()).toBe(0);
      // While it is stopped, the newest remaining note is removed by hand.
      const db = project.json('db.json') as { notes: Array<{ id: number }> };
      project.write('db.json', { ...db, notes: db.notes.filter((note) => note.id !== four) });
      cli = await startCli(['db.json'], project.dir);
      token = (await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken;
      const next = (await call(`${cli.url}/notes`, 'POST', { text: 'after restart' }, token)).body.id;
      expect(next).toBe(five + 1);
      expect((await call(`${cli.url}/notes`, 'POST', { id: four, text: 'reuse' }, token)).status).toBe(409);
      expect(await cli.stop()).toBe(0);
    } finally {
      project.cleanup();
    }
  });
});
