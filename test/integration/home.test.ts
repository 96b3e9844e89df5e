import request from 'supertest';
import { login, SAMPLE_DB, SAMPLE_USERS, useOwnProjects } from '../support';

const own = useOwnProjects();

/** The JSON the playground page carries for its script. */
function pageData(html: string): {
  resources: Array<{ name: string; read: string; write: string }>;
  demoAccounts: Array<{ email: string; role: string }>;
  cookieMode: boolean;
} {
  const match = /<script type="application\/json" id="api-data">([^]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no api-data in the page');
  return JSON.parse(match[1]);
}

// What the browser test cannot see: the page's headers, and data that tries to break out of it.
describe('the playground page at GET /', () => {
  it('runs its script and style by a fresh nonce only, and talks to its own origin alone', async () => {
    const project = own.project();
    const api = await own.open(project);
    const [first, second] = [await request(api.app).get('/').expect(200), await request(api.app).get('/').expect(200)];
    const nonceOf = (csp: string) => /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    const nonce = nonceOf(first.headers['content-security-policy']);
    expect(nonce).toBeDefined();
    expect(nonce).not.toBe(nonceOf(second.headers['content-security-policy']));
    expect(first.headers['content-security-policy']).toContain("default-src 'none'");
    expect(first.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(first.text).toContain(`<script nonce="${nonce}">`);
    expect(first.headers['cache-control']).toBe('no-store');
    // Nothing from the internet: no URL but this server's own paths.
    expect(first.text).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('cannot be read by another site, though the API answers CORS', async () => {
    const project = own.project();
    const api = await own.open(project);
    const page = await request(api.app).get('/').set('Origin', 'https://evil.example').expect(200);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.headers['access-control-allow-credentials']).toBeUndefined();
    const posts = await request(api.app).get('/posts').set('Origin', 'https://evil.example');
    expect(posts.headers['access-control-allow-origin']).toBe('https://evil.example');
  });

  it('keeps data that looks like markup inside its JSON', async () => {
    // A collection name cannot hold a slash, but "<!--<script>" alone would make the parser skip the next </script>.
    const collection = '<!--<script>';
    const role = '</script><script>alert(1)</script>';
    const project = own.project({ 'db.json': { ...SAMPLE_DB, [collection]: [] }, 'users.json': [{ email: 'x@example.com', password: 'x-password', role }] });
    const api = await own.open(project);
    const page = await request(api.app).get('/').expect(200);
    expect(page.text).not.toContain(collection);
    expect(page.text).not.toContain(role);
    const data = pageData(page.text);
    expect(data.resources.map((resource) => resource.name)).toContain(collection);
    expect(data.demoAccounts).toEqual([{ email: 'x@example.com', role }]);
  });

  it('offers as demo accounts only those whose password users.json held in plain text, while it still works', async () => {
    const project = own.project({
      'db.json': SAMPLE_DB,
      'users.json': [...SAMPLE_USERS.slice(0, 2), { id: 3, email: 'bob@example.com', password: 'bob12345' }],
    });
    const first = await own.open(project);
    const page = (await request(first.app).get('/')).text;
    expect(pageData(page)).toMatchObject({ cookieMode: false, demoAccounts: expect.arrayContaining([{ email: 'alice@example.com', role: 'user' }]) });
    // Names only: no response holds a password, not even a demo one.
    expect(page).not.toMatch(/admin123|alice123|bob12345/);
    // Alice changes her password: the page stops offering the old one. A registered account is never offered.
    const token = await login(first.app, 'alice@example.com', 'alice123');
    await request(first.app)
      .post('/auth/password')
      .set('Authorization', `Bearer ${token}`)
      .send({ currentPassword: 'alice123', newPassword: 'a-new-password' })
      .expect(204);
    await request(first.app).post('/auth/register').send({ email: 'carol@example.com', password: 'carol-pass' }).expect(201);
    const emails = pageData((await request(first.app).get('/')).text).demoAccounts.map((account) => account.email);
    expect(emails).toEqual(['admin@example.com', 'bob@example.com']);
    await first.close();
    // The next start still finds admin's and bob's plain-text passwords (users.json is never rewritten to hash
    // them), and alice's hash: the same demo accounts as before the restart.
    const second = await own.open(project, { cookie: true });
    expect(pageData((await request(second.app).get('/')).text)).toMatchObject({
      demoAccounts: [
        { email: 'admin@example.com', role: 'admin' },
        { email: 'bob@example.com', role: 'user' },
      ],
      cookieMode: true,
    });
    await second.close();
  });
});
