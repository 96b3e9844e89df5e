import { indexResources, resolveRequest } from './resolve';

const resources = indexResources({ posts: [], comments: [], profile: {}, Tags: [] });
const resolve = (method: string, path: string) => resolveRequest(method, path, resources, 'Id');

describe('resolveRequest', () => {
  it.each([
    ['GET', '/posts', '/posts', 'posts', undefined],
    ['GET', '/POSTS/', '/posts', 'posts', undefined],
    ['GET', '/posts/1', '/posts/1', 'posts', '1'],
    ['DELETE', '/Posts/1/', '/posts/1', 'posts', '1'],
    ['GET', '/%70osts/a%2Fb', '/posts/a%2Fb', 'posts', 'a/b'],
    ['GET', '/tags', '/Tags', 'Tags', undefined],
    ['PATCH', '/profile', '/profile', 'profile', undefined],
  ])('%s %s → %s', (method, path, canonicalPath, name, id) => {
    const resolved = resolve(method, path)!;
    expect(resolved.canonicalPath).toBe(canonicalPath);
    expect(resolved.target).toMatchObject({ resource: { name } });
    if (id !== undefined) expect(resolved.target).toMatchObject({ id });
  });

  it('resolves a nested route to the child, with the parent as a filter field', () => {
    expect(resolve('GET', '/posts/1/comments')).toEqual({
      target: { kind: 'collection', resource: { name: 'comments', kind: 'collection' }, parent: { name: 'posts', id: '1', field: 'postId' } },
      canonicalPath: '/comments',
      allowedMethods: ['GET', 'HEAD', 'POST'],
    });
    expect(resolve('GET', '/users/7/%63omments')?.target).toMatchObject({ resource: { name: 'comments' }, parent: { field: 'userId', id: '7' } });
  });

  it('resolves GET /db in any case, and only for reads', () => {
    expect(resolve('GET', '/DB/')?.target).toEqual({ kind: 'db' });
    expect(resolve('POST', '/db')).toBeUndefined();
  });

  it.each([
    ['GET', '/'],
    ['GET', '/nothing'],
    ['GET', '//posts'],
    ['GET', '/posts//1'],
    ['GET', '/posts/1/2/3'],
    ['GET', '/posts/1/nothing'],
    ['PUT', '/posts'],
    ['POST', '/posts/1'],
    ['PUT', '/posts/1/comments'],
    ['DELETE', '/profile'],
    ['GET', '/profile/1'],
    ['GET', '/%E0%A4%A'],
  ])('has no route for %s %s', (method, path) => {
    expect(resolve(method, path)).toBeUndefined();
  });
});
