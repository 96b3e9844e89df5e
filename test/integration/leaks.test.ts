import request from 'supertest';
import { login, SAMPLE_USERS, useServer } from '../support';

// Anything that looks like password material: our scrypt format, bcrypt, or a plain password of the fixture.
const PASSWORD_MATERIAL = new RegExp(['\\$scrypt\\$', '\\$2[aby]\\$', ...SAMPLE_USERS.map((user) => user.password)].join('|'));
// In JSON, any "password" key at all (the home page's login example names the field, with no value).
const PASSWORD_FIELD = /"password"\s*:/;

const { serve } = useServer();

describe('no response holds a password or a hash', () => {
  it('across auth routes, the users resource, relations, queries and /db', async () => {
    const api = await serve();
    const admin = await login(api.app, 'admin@example.com', 'admin123');
    const urls = [
      '/users',
      '/users/2',
      '/users?_embed=posts',
      '/users/1?_embed=comments',
      '/users/1/posts',
      '/posts?_expand=user',
      '/posts/1?_expand=user',
      '/comments?_expand=user&_expand=post',
      '/users?q=scrypt',
      '/users?password_like=.',
      '/users?_sort=password',
      '/db',
      '/auth/me',
      '/',
    ];
    const responses = [
      await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }),
      await request(api.app).post('/auth/register').send({ email: 'new@example.com', password: 'new-password' }),
      ...(await Promise.all(urls.map((url) => request(api.app).get(url).set('Authorization', `Bearer ${admin}`)))),
    ];
    for (const response of responses) {
      expect(response.status).toBeLessThan(300);
      expect(response.text).not.toMatch(PASSWORD_MATERIAL);
      if (/json/.test(response.headers['content-type'])) expect(response.text).not.toMatch(PASSWORD_FIELD);
    }
    // a filter on password finds nothing to match: the data holds no password field at all
    const filtered = await request(api.app).get('/users?password_like=.').set('Authorization', `Bearer ${admin}`);
    expect(filtered.body).toEqual([]);
  });
});
