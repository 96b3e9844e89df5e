import { symlinkSync } from 'node:fs';
import request from 'supertest';
import { makeProject, serverFor } from '../support';

describe('static files', () => {
  it("are public, but never a link to the server's own files, nor anything under a dot-folder", async () => {
    const project = makeProject();
    project.write('public/hello.txt', 'hello');
    project.write('public/.hidden/note.txt', 'private-note-content');
    symlinkSync(project.file('users.json'), project.file('public/innocent.txt'));
    symlinkSync(project.file('db.json'), project.file('public/data.json'));
    const api = await serverFor(project, { static: project.file('public') });
    await request(api.app).get('/hello.txt').expect(200, 'hello');
    for (const url of ['/innocent.txt', '/data.json', '/%69nnocent.txt', '/.hidden/note.txt', '/%2Ehidden/note.txt']) {
      const response = await request(api.app).get(url);
      expect(response.status).toBe(404);
      expect(response.text).not.toMatch(/scrypt|private-note-content|alice@example|"posts"/);
    }
    project.cleanup();
  });

  it("refuses at start a static folder that holds the server's own files (--static .)", async () => {
    const project = makeProject();
    project.write('json-server.json', { secret: 'x'.repeat(40) });
    await expect(serverFor(project, { static: project.dir })).rejects.toMatchObject({ code: 'ERR_OPTION', exitCode: 2 });
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
