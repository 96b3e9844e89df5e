import { isSlipFor } from './new-db';

describe('isSlipFor: a db name that does not exist, against one that does', () => {
  it.each([
    ['db.jsn', 'db.json'],
    ['db.JSON', 'db.json'],
    ['DB.json', 'db.json'],
    ['db', 'db.json'],
    ['db.json', 'db.js'],
    ['dbs.json', 'db.json'],
    ['shoop.json', 'shop.json'],
  ])('%s is a slip for %s', (typed, existing) => {
    expect(isSlipFor(typed, existing)).toBe(true);
  });

  it.each([
    ['db2.json', 'db.json'],
    ['db-2024.json', 'db-2023.json'],
    ['shop.json', 'db.json'],
    ['catalog.json', 'db.json'],
  ])('%s is a new name beside %s', (typed, existing) => {
    expect(isSlipFor(typed, existing)).toBe(false);
  });
});
