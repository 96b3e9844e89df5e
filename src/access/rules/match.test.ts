import { compileRules } from './match';
import { parseRoutes } from './parse';

const matcherFor = (routes: Record<string, unknown>, collections: string[] = ['posts', 'comments', 'admin']) =>
  compileRules(parseRoutes('routes.json', routes).rules, collections);
const keyFor = (routes: Record<string, unknown>, path: string) => matcherFor(routes).ruleFor(path)?.key;

describe('ruleFor', () => {
  it.each([
    ['/admin/*', '/admin'],
    ['/admin/*', '/admin/1'],
    ['/admin/:id', '/admin'],
    ['/admin/:id(\\d+)', '/admin'],
    ['/admin/:id?', '/admin'],
    ['/admin', '/admin/1'],
    ['/admin*', '/admin'],
  ])('%s covers %s', (pattern, path) => {
    expect(keyFor({ [pattern]: { '*': 'admin' } }, path)).toBe(pattern);
  });

  it.each([
    ['/admin/1', '/admin'],
    ['/admin/*', '/administrators'],
    ['/admin/:id/notes', '/admin'],
    ['/:resource', '/'],
  ])('%s does not cover %s', (pattern, path) => {
    expect(keyFor({ [pattern]: { '*': 'admin' } }, path)).toBeUndefined();
  });

  it('keeps the most specific: an exact match beats a covering one, either way', () => {
    const routes = { '/posts/*': { read: 'admin' }, '/posts': { read: 'public' }, '/comments': { read: 'admin' }, '/comments/:id': { read: 'public' } };
    expect(keyFor(routes, '/posts')).toBe('/posts');
    expect(keyFor(routes, '/posts/1')).toBe('/posts/*');
    expect(keyFor(routes, '/comments')).toBe('/comments');
    expect(keyFor(routes, '/comments/1')).toBe('/comments/:id');
  });

  it('among covering rules, more literal text wins', () => {
    expect(keyFor({ '/': { read: 'public' }, '/admin/*': { read: 'admin' } }, '/admin')).toBe('/admin/*');
  });
});

describe('hasItemRules', () => {
  it.each([
    ['no rule', {}, 'posts', false],
    ['a collection rule', { '/posts': { read: 'public' } }, 'posts', false],
    ['a wildcard over the items', { '/posts/*': { read: 'admin' } }, 'posts', false],
    ['a parameter over the items', { '/posts/:id': { read: 'admin' } }, 'posts', false],
    ['a guard', { posts: 644 }, 'posts', false],
    ["another collection's item rule", { '/comments/1': { read: 'admin' } }, 'posts', false],
    ['a rule of one segment for every resource', { '/:resource': { read: 'admin' } }, 'posts', false],
    ['a literal item rule', { '/posts/1': { read: 'admin' } }, 'posts', true],
    ['a literal item rule beside the collection rule', { '/posts': { read: 'public' }, '/posts/1': { read: 'admin' } }, 'posts', true],
    ['a parameter first, two segments, alone: it covers the collection too', { '/:resource/:id': { read: 'admin' } }, 'posts', false],
    ['a parameter first, two segments, beside the collection rule', { '/posts': { read: 'public' }, '/:resource/:id': { read: 'admin' } }, 'posts', true],
    ['a wildcard first', { '/*': { read: 'admin' }, '/posts': { read: 'public' } }, 'posts', true],
    ['a wildcard that spans into the collection', { '/po*': { read: 'admin' }, '/posts': { read: 'public' } }, 'posts', true],
    ['a wildcard that cannot', { '/co*': { read: 'admin' }, '/posts': { read: 'public' } }, 'posts', false],
    ['a parameter whose pattern leaves some items out', { '/posts/:id(\\d+)': { read: 'admin' } }, 'posts', true],
    ['a rule over items of items, which covers items', { '/posts/:id/*': { read: 'admin' } }, 'posts', true],
  ])('%s: %j on %s is %s', (_case, routes, collection, expected) => {
    expect(matcherFor(routes).hasItemRules(collection)).toBe(expected);
  });

  it("ignores a rule that matches items but always loses to the collection's own", () => {
    expect(matcherFor({ '/posts/*': { read: 'admin' }, '/:resource/:id': { read: 'public' } }).hasItemRules('posts')).toBe(false);
  });

  it('answers for names not given at compile time, and lists the item rules', () => {
    const matcher = compileRules(parseRoutes('routes.json', { '/notes': { read: 'public' }, '/notes/7': { read: 'admin' } }).rules);
    expect(matcher.hasItemRules('notes')).toBe(true);
    expect(matcher.itemRulesOf('notes').map(({ key }) => key)).toEqual(['/notes/7']);
    expect(matcher.itemRulesOf('posts')).toEqual([]);
  });

  it("agrees with ruleFor: whenever it says false, every item gets the collection's rule", () => {
    const routes = { '/posts': { read: 'public' }, '/posts/1': { read: 'admin' }, '/comments/*': { read: 'admin' }, '/admin/:id': { '*': 'admin' } };
    const matcher = matcherFor(routes);
    for (const collection of ['posts', 'comments', 'admin']) {
      const same = ['1', '2', 'abc'].every((id) => matcher.ruleFor(`/${collection}/${id}`) === matcher.ruleFor(`/${collection}`));
      if (!matcher.hasItemRules(collection)) expect(same).toBe(true);
    }
    expect(matcher.hasItemRules('posts')).toBe(true);
  });
});
