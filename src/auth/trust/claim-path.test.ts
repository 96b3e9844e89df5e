import { readClaim, rolesOf } from './claim-path';

describe('readClaim', () => {
  const claims = {
    role: 'editor',
    realm_access: { roles: ['admin', 'editor'] },
    'https://example.com/roles': ['buyer'],
    'https://example.com/app': { 'team.name': 'blue' },
    a: { b: { c: 'deep' } },
    'a.b': { c: 'flat-first' },
  };

  it.each([
    ['role', 'editor'],
    ['realm_access.roles', ['admin', 'editor']],
    ['https://example.com/roles', ['buyer']],
    ['https://example.com/app.team.name', 'blue'],
    ['a.b.c', 'flat-first'],
    ['a.b', { c: 'flat-first' }],
    ['missing', undefined],
    ['realm_access.missing', undefined],
    ['role.length', undefined],
    ['__proto__', undefined],
    ['constructor', undefined],
    ['toString', undefined],
  ])('%s reads %j', (path, expected) => {
    expect(readClaim(claims, path)).toEqual(expected);
  });

  it('walks on past a longer name that does not hold the rest of the path', () => {
    expect(readClaim({ 'x.y': { other: 1 }, x: { y: { z: 'found' } } }, 'x.y.z')).toBe('found');
  });

  it('reads nothing from a value that is not an object', () => {
    expect(readClaim(null, 'a')).toBeUndefined();
    expect(readClaim(['a'], '0')).toBeUndefined();
    expect(readClaim('text', 'length')).toBeUndefined();
  });
});

describe('rolesOf', () => {
  it.each([
    ['admin', ['admin']],
    [
      ['admin', 'editor', 'admin'],
      ['admin', 'editor'],
    ],
    [['admin', 3, null, '', { role: 'x' }], ['admin']],
    [undefined, []],
    [42, []],
    [{ admin: true }, []],
  ])('%j gives %j', (value, expected) => {
    expect(rolesOf(value)).toEqual(expected);
  });

  it('keeps at most 50 roles of at most 200 characters', () => {
    expect(rolesOf(Array.from({ length: 80 }, (_, index) => `r${index}`))).toHaveLength(50);
    expect(rolesOf(['x'.repeat(201), 'ok'])).toEqual(['ok']);
  });
});
