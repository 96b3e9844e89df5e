/**
 * A request is authenticated once, before it waits (`_delay`, --delay, --middlewares that wait). A session that
 * ends meanwhile (logout, reuse detection, a deleted account, a demotion, a password change, --single-session, an
 * expiry) is over for that request too: it is looked up again after the delay and before the data step (README
 * "Sessions": the token in hand is refused at once).
 */
import request from 'supertest';
import { useServer, login, loginPair, SAMPLE_LOGINS } from '../support';

const { serve } = useServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a session that ends while a request waits in _delay', () => {
  it('logout: the request that waited is refused, and deletes nothing', async () => {
    const api = await serve();
    const alice = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    const pending = request(api.app)
      .delete('/posts/2?_delay=800')
      .set('Authorization', `Bearer ${alice}`)
      .then((r) => r);
    await sleep(200);
    await request(api.app).post('/auth/logout').set('Authorization', `Bearer ${alice}`).expect(204);
    // The token is dead now, as README "Logout logs out" promises, and so is the request it sent before.
    await request(api.app).get('/posts').set('Authorization', `Bearer ${alice}`).expect(401);
    const late = await pending;
    expect(late.status).toBe(401);
    expect((api.database.db.getState().posts as Array<{ id: number }>).some((post) => post.id === 2)).toBe(true);
  });

  it('an account deleted by an admin creates nothing after its deletion', async () => {
    const api = await serve();
    const admin = await login(api.app, SAMPLE_LOGINS.admin.email, SAMPLE_LOGINS.admin.password);
    const bob = await login(api.app, SAMPLE_LOGINS.bob.email, SAMPLE_LOGINS.bob.password);
    const pending = request(api.app)
      .post('/posts?_delay=800')
      .set('Authorization', `Bearer ${bob}`)
      .send({ title: 'from beyond' })
      .then((r) => r);
    await sleep(200);
    await request(api.app).delete('/auth/users/3').set('Authorization', `Bearer ${admin}`).expect(204);
    const late = await pending;
    expect(late.status).toBe(401);
    expect((api.database.db.getState().posts as Array<{ title: string }>).some((post) => post.title === 'from beyond')).toBe(false);
  });

  it('an admin demoted meanwhile no longer reads /db', async () => {
    const api = await serve();
    const admin = await login(api.app, SAMPLE_LOGINS.admin.email, SAMPLE_LOGINS.admin.password);
    // a second admin who demotes the first
    await request(api.app).patch('/auth/users/2').set('Authorization', `Bearer ${admin}`).send({ role: 'admin' }).expect(200);
    const alice = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    const pending = request(api.app)
      .get('/db?_delay=800')
      .set('Authorization', `Bearer ${admin}`)
      .then((r) => r);
    await sleep(200);
    await request(api.app).patch('/auth/users/1').set('Authorization', `Bearer ${alice}`).send({ role: 'user' }).expect(200);
    await request(api.app).get('/db').set('Authorization', `Bearer ${admin}`).expect(403); // applies "on the next request"
    const late = await pending;
    expect(late.status).toBe(403);
  });

  it('a session ended by refresh-token reuse detection writes nothing more', async () => {
    let clock = Date.now();
    const api = await serve({ now: () => clock });
    const pair = await loginPair(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    await request(api.app).post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
    clock += 60_000; // past the grace for parallel refreshes: a replay now is theft
    const pending = request(api.app)
      .patch('/posts/2?_delay=800')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .send({ title: 'thief' })
      .then((r) => r);
    await sleep(200);
    await request(api.app).post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401); // reuse: session ends
    const late = await pending;
    expect(late.status).toBe(401);
    expect((api.database.db.getState().posts as Array<{ title: string }>).some((post) => post.title === 'thief')).toBe(false);
  });

  it('--delay (server-wide) with --single-session: the session a new login ended is refused', async () => {
    const api = await serve({ delay: 800, singleSession: true });
    const alice = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    const pending = request(api.app)
      .get('/posts')
      .set('Authorization', `Bearer ${alice}`)
      .then((r) => r);
    await sleep(200);
    await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password); // phone B: phone A is out
    const late = await pending;
    expect(late.status).toBe(401);
  });

  it("a password change shuts the caller's other session out of the request it had sent", async () => {
    const api = await serve();
    const thief = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    const owner = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    const pending = request(api.app)
      .put('/profile?_delay=1500')
      .set('Authorization', `Bearer ${thief}`)
      .send({ name: 'defaced' })
      .then((r) => r);
    await sleep(100);
    await request(api.app)
      .post('/auth/password')
      .set('Authorization', `Bearer ${owner}`)
      .send({ currentPassword: SAMPLE_LOGINS.alice.password, newPassword: 'a-new-password' })
      .expect(204);
    await request(api.app).get('/posts').set('Authorization', `Bearer ${thief}`).expect(401);
    const late = await pending;
    expect(late.status).toBe(401);
  });

  it('a token that expires during the wait is refused', async () => {
    let clock = Date.now();
    const api = await serve({ now: () => clock, accessTtl: 60 });
    const alice = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    const pending = request(api.app)
      .get('/posts?_delay=800')
      .set('Authorization', `Bearer ${alice}`)
      .then((r) => r);
    await sleep(200);
    clock += 120_000;
    await request(api.app).get('/posts').set('Authorization', `Bearer ${alice}`).expect(401);
    const late = await pending;
    expect(late.status).toBe(401);
  });
});

describe('with --middlewares: the guard and the data gate both see the session as it is after the wait', () => {
  it("a route a middleware answers, ruled admin-only, refuses an admin demoted during the request's _delay", async () => {
    const adminStats = (req: any, res: any, next: any) => (req.path === '/stats' ? res.json({ secret: 'admin only', caller: req.auth?.sub }) : next());
    const api = await serve({ middlewares: [adminStats], routes: { '/stats': { '*': 'admin' } } });
    const admin = await login(api.app, SAMPLE_LOGINS.admin.email, SAMPLE_LOGINS.admin.password);
    await request(api.app).patch('/auth/users/2').set('Authorization', `Bearer ${admin}`).send({ role: 'admin' }).expect(200);
    const alice = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    await request(api.app).get('/stats').set('Authorization', `Bearer ${alice}`).expect(200);
    const pending = request(api.app)
      .get('/stats?_delay=800')
      .set('Authorization', `Bearer ${alice}`)
      .then((r) => r);
    await sleep(200);
    await request(api.app).patch('/auth/users/2').set('Authorization', `Bearer ${admin}`).send({ role: 'user' }).expect(200);
    await request(api.app).get('/stats').set('Authorization', `Bearer ${alice}`).expect(403);
    const late = await pending;
    expect(late.status).toBe(403);
  });

  it('a data route is re-checked by the gate', async () => {
    const api = await serve({ middlewares: [(_req: any, _res: any, next: any) => next()] });
    const alice = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    const pending = request(api.app)
      .delete('/posts/2?_delay=800')
      .set('Authorization', `Bearer ${alice}`)
      .then((r) => r);
    await sleep(200);
    await request(api.app).post('/auth/logout').set('Authorization', `Bearer ${alice}`).expect(204);
    const late = await pending;
    expect(late.status).toBe(401);
  });
});
