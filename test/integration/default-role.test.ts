import request from 'supertest';
import { resolveOptions } from '../../src/config/options';
import { makeProject, serverFor } from '../support';

describe('defaultRole (--default-role)', () => {
  it('is the role of every self-registered account; the caller never chooses it', async () => {
    const project = makeProject({ 'db.json': { orders: [] }, 'routes.json': { '/orders': { '*': 'customer' } } });
    const api = await serverFor(project, { defaultRole: 'customer' });
    expect(api.warnings).toEqual([]); // a rule naming the default role needs no account holding it yet
    const { body } = await request(api.app)
      .post('/auth/register')
      .send({ email: 'shopper@example.com', password: 'shopper-pass', role: 'admin', roles: ['admin'] })
      .expect(201);
    expect(body.user).toEqual({ id: 1, email: 'shopper@example.com', role: 'customer', emailVerified: false });
    await request(api.app).post('/orders').set('Authorization', `Bearer ${body.accessToken}`).send({ item: 'book' }).expect(201);
    await api.close();
    project.cleanup();
  });

  it.each([
    ['admin', /admin would make everyone who registers an administrator/],
    ['public', /keyword of routes.json, not a role/],
    ['owner', /keyword of routes.json, not a role/],
    ['2nd', /not a role name/],
  ])('refuses %s at start (ERR_OPTION, exit 2), saying why', (role, message) => {
    expect(() => resolveOptions({ db: {}, defaultRole: role })).toThrow(
      expect.objectContaining({ code: 'ERR_OPTION', exitCode: 2, message: expect.stringMatching(message) }),
    );
  });

  it('defaults to user', () => {
    expect(resolveOptions({ db: {} }).defaultRole).toBe('user');
  });
});
