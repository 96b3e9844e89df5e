import low from 'lowdb';
import jsonServer from 'json-server';
import { speedUpInsert } from './fast-insert';

// The same ids, and the same refusal, as json-server's own insert, for every kind of collection.
describe('speedUpInsert', () => {
  const collections: Array<[string, Array<Record<string, unknown>>]> = [
    ['empty', []],
    ['numeric ids', [{ id: 1 }, { id: 7 }, { id: 3 }]],
    ['numeric ids with holes', [{ id: 2 }, { title: 'no id' }, { id: 5 }]],
    ['string ids', [{ id: 'a' }, { id: 'b' }]],
    ['mixed ids', [{ id: 3 }, { id: 'x' }]],
  ];

  function insertWith(fast: boolean, records: Array<Record<string, unknown>>, doc: Record<string, unknown>) {
    const db = low({ read: () => ({ items: structuredClone(records) }), write: () => undefined });
    jsonServer.router(db); // mixes in lodash-id and json-server's createId, as the server does
    if (fast) speedUpInsert(db);
    const chain = (db as unknown as { get(name: string): { insert(doc: object): { value(): Record<string, unknown> } } }).get('items');
    try {
      return chain.insert(doc).value();
    } catch (error) {
      return (error as Error).message;
    }
  }

  it.each(collections)('%s: the id a new record gets', (_name, records) => {
    const fast = insertWith(true, records, { title: 'new' });
    const original = insertWith(false, records, { title: 'new' });
    if (typeof original === 'object' && typeof original.id === 'string' && !records.some((record) => record.id === original.id)) {
      expect(typeof (fast as Record<string, unknown>).id).toBe('string'); // random, as json-server's
    } else {
      expect(fast).toEqual(original);
    }
  });

  it('a record whose id is null does not break creates (json-server\'s own insert throws on it)', () => {
    expect(insertWith(false, [{ id: 2 }, { id: null }], { title: 'new' })).toMatch(/null/);
    expect(insertWith(true, [{ id: 2 }, { id: null }], { title: 'new' })).toEqual({ id: 3, title: 'new' });
  });

  it.each([
    [1, 'numeric'],
    ['1', 'the same id as a string'],
  ])('refuses a duplicate id given as %j (%s)', (id, _description) => {
    expect(insertWith(true, [{ id: 1 }], { id })).toBe(insertWith(false, [{ id: 1 }], { id }));
    expect(insertWith(true, [{ id: 1 }], { id })).toBe('Insert failed, duplicate id');
  });
});
