import { symlinkSync } from 'node:fs';
import request from 'supertest';
import { useServer } from '../support';

const { project, serve } = useServer();

describe('static files', () => {
  it("are public, but never a link to the server's own files, nor anything under a dot-folder", async () => {
    project.write('public/hello.txt', 'hello');
    project.write('public/.hidden/note.txt', 'private-note-content');
    symlinkSync(project.file('users.json'), project.file('public/innocent.txt'));
    symlinkSync(project.file('db.json'), project.file('public/data.json'));
    const api = await serve({ static: project.file('public') });
    await request(api.app).get('/hello.txt').expect(200, 'hello');
    for (const url of ['/innocent.txt', '/data.json', '/%69nnocent.txt', '/.hidden/note.txt', '/%2Ehidden/note.txt']) {
      const response = await request(api.app).get(url);
      expect(response.status).toBe(404);
      expect(response.text).not.toMatch(/scrypt|private-note-content|alice@example|"posts"/);
    }
  });

  it("refuses at start a static folder that holds the server's own files (--static .)", async () => {
    project.write('json-server.json', { secret: 'x'.repeat(40) });
    await expect(serve({ static: project.dir })).rejects.toMatchObject({ code: 'ERR_OPTION', exitCode: 2 });
  });

  it("serve the static folder's own index.html at / instead of the home page", async () => {
    project.write('public/index.html', '<h1>my app</h1>');
    const api = await serve({ static: project.file('public') });
    await request(api.app).get('/').expect(200, '<h1>my app</h1>');
    const fallback = await serve();
    expect((await request(fallback.app).get('/').expect(200)).text).toContain('fake-jwt-api');
  });
});
