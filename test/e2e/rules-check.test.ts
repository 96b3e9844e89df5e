import { readFileSync } from 'node:fs';
import path from 'node:path';
import { errorCodeOf, ROOT, runCli, SAMPLE_USERS, startCli, useOwnProjects, useServer } from '../support';

// A shop: customers see their own orders; drafts have no owner field at all.
const SHOP_DB = {
  orders: [{ id: 1, item: 'book', userId: 2 }],
  products: [{ id: 1, name: 'pen' }],
  drafts: [{ id: 1, title: 'no owner' }],
  settings: { theme: 'dark' },
};
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as unknown;

const { project, serve } = useServer({ files: { 'db.json': SHOP_DB, 'users.json': SAMPLE_USERS } });
const projects = useOwnProjects();

const serveWith = (routes: Record<string, unknown>, options = {}) => serve({ routes, ...options });

describe('routes.json is checked against the db at start', () => {
  it.each([
    ['a path one edit from a collection', { '/order': { '*': ['owner', 'admin'] } }, /"\/order": no resource is named order; did you mean "\/orders"\?/],
    ['a misspelt keyword', { '/products': { read: 'publc' } }, /"publc" \(for GET\) would be a role name; did you mean "public"\?/],
    ['a keyword in capitals', { '/products': { read: 'Public', write: 'admin' } }, /did you mean "public"\?/],
    [
      'a key a rewrite changes',
      { '/api/*': '/$1', '/api/orders': { '*': 'admin' } },
      /a rewrite turns \/api\/orders into \/orders .* write "\/orders" instead/,
    ],
    ['a nested route', { '/products/:id/orders': { read: 'admin' } }, /write the rule for "\/orders"/],
    ['an auth route', { '/auth/register': { POST: 'admin' } }, /auth route/],
  ])('refuses %s: ERR_ROUTES_FILE (exit code 2) saying what to write', async (_case, routes, message) => {
    await expect(serveWith(routes)).rejects.toMatchObject({ code: 'ERR_ROUTES_FILE', exitCode: 2, message: expect.stringMatching(message) });
  });

  it('names the first problem and counts the others', async () => {
    await expect(serveWith({ '/order': { read: 'admin' }, '/product': { read: 'admin' } })).rejects.toMatchObject({
      code: 'ERR_ROUTES_FILE',
      message: expect.stringMatching(/did you mean "\/orders"\? \(and 1 more problem in the routes\)$/),
    });
  });

  it('warns, and starts, of a path no resource has, a role no account holds, and owners missing from the records', async () => {
    const api = await serveWith({ '/hello': { read: 'admin' }, '/products': { write: 'editor' }, '/drafts': { '*': 'owner' } });
    expect(api.warnings).toEqual([
      expect.stringMatching(/"\/hello": matches no resource of the db/),
      expect.stringMatching(/"\/drafts": an owner rule, but no record of drafts has the owner field userId/),
      expect.stringMatching(/"\/products": no account has the role "editor" yet/),
    ]);
    expect(api.describe().warnings).toEqual(api.warnings);
  });

  it('follows --fks for the owner field', async () => {
    project.write('db.json', { ...SHOP_DB, drafts: [{ id: 1, user_id: 2 }] });
    expect((await serveWith({ '/drafts': { '*': 'owner' } }, { foreignKeySuffix: '_id' })).warnings).toEqual([]);
    expect((await serveWith({ '/drafts': { '*': 'owner' } })).warnings).toHaveLength(1);
  });

  it.each([
    ["the project's own", ROOT],
    ['the starter', path.join(ROOT, 'starter')],
  ])('%s routes.json starts with no error and no warning', async (_case, folder) => {
    const own = projects.project({
      'db.json': readJson(path.join(folder, 'db.json')),
      'users.json': readJson(path.join(folder, 'users.json')),
      'routes.json': readJson(path.join(folder, 'routes.json')),
    });
    const api = await projects.open(own, { users: own.file('users.json'), routes: own.file('routes.json') });
    expect(api.warnings).toEqual([]);
  });
});

describe('the command line', () => {
  it('exits 2 with one line naming the key, the reason, and what to write instead', async () => {
    project.write('routes.json', { '/order': { '*': ['owner', 'admin'] } });
    const result = await runCli(['db.json'], project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(errorCodeOf(result.stderr)).toBe('ERR_ROUTES_FILE');
    expect(result.stderr).toMatch(/routes\.json: "\/order": no resource is named order; did you mean "\/orders"\?/);
  });

  it('says its warnings, and what each rule covers, in the banner', async () => {
    project.write('routes.json', {
      '/settings/*': { '*': 'admin' },
      '/drafts': { '*': 'owner' },
      '/products': { read: 'public' },
      '/products/1': { read: 'admin' },
    });
    const cli = await startCli(['db.json'], project.dir);
    try {
      const banner = cli.output();
      expect(banner).toMatch(/\/settings\s+admin\s+admin\s+\(by "\/settings\/\*"\)/);
      expect(banner).toMatch(/\/products\s+public\s+authenticated\s+\(some items by "\/products\/1"\)/);
      expect(banner).toMatch(/Warning: .*routes\.json: "\/drafts": an owner rule, but no record of drafts has the owner field userId/);
    } finally {
      await cli.stop();
    }
  });
});
