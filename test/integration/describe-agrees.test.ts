/**
 * describe() (the banner and the playground) says what the server enforces. With json-server-auth's accounts in
 * db.json, POST /users is registration (an /auth route, on under --read-only too), and nothing else writes /users.
 */
import request from 'supertest';
import { useServer } from '../support';

const files = {
  'db.json': {
    posts: [{ id: 1, title: 'a', userId: 1 }],
    users: [
      { id: 1, email: 'admin@example.com', password: 'admin123', role: 'admin' },
      { id: 2, email: 'alice@example.com', password: 'alice123' },
    ],
  },
};
const { serve } = useServer({ files });

describe.each([false, true])('the users collection of accounts, readOnly: %s', (readOnly) => {
  it('is described as registration only, and only registration writes it', async () => {
    const api = await serve({ readOnly });
    const users = api.describe().resources.find((resource) => resource.name === 'users');
    expect(users?.write).toBe('registration only (POST /users); accounts change through /auth');
    const login = await request(api.app).post('/auth/login').send({ email: 'admin@example.com', password: 'admin123' }).expect(200);
    const admin = `Bearer ${login.body.accessToken}`;
    await request(api.app).post('/USERS/').send({ email: 'eve@example.com', password: 'eve-password', name: 'Eve' }).expect(201);
    await request(api.app).patch('/users/2').set('Authorization', admin).send({ name: 'changed' }).expect(403);
    await request(api.app).delete('/users/2').set('Authorization', admin).expect(403);
    const listed = await request(api.app).get('/users').set('Authorization', admin).expect(200);
    expect(listed.body.map((user: { email: string }) => user.email)).toEqual(['admin@example.com', 'alice@example.com', 'eve@example.com']);
  });
});
