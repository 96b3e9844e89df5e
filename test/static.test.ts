import { symlinkSync } from 'node:fs';
import request from 'supertest';
import { makeProject, serverFor } from './helpers';

describe('static files', () => {
  it("are public, but never the server's own files, even with --static pointing at the project folder", async () => {
    const project = makeProject();
    project.write('routes.json', { '/api/*': '/$1' });
    project.write('hello.txt', 'hello');
    symlinkSync(project.file('users.json'), project.file('innocent.txt'));
    const api = await serverFor(project, { static: project.dir });
    await request(api.app).get('/hello.txt').expect(200, 'hello');
    for (const url of ['/users.json', '/db.json', '/routes.json', '/innocent.txt', '/%75sers.json', '/.fake-jwt-api/state.json']) {
      const response = await request(api.app).get(url);
      expect(response.status).toBe(404);
      expect(response.text).not.toMatch(/scrypt|secret/);
    }
    project.cleanup();
  });

  it("serve the static folder's own index.html at / instead of the home page", async () => {
    const project = makeProject();
    project.write('public/index.html', '<h1>my app</h1>');
    const api = await serverFor(project, { static: project.file('public') });
    await request(api.app).get('/').expect(200, '<h1>my app</h1>');
    const fallback = await serverFor(project);
    expect((await request(fallback.app).get('/').expect(200)).text).toContain('fake-jwt-api');
    project.cleanup();
  });
});
