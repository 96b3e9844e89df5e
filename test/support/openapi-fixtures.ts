import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Projects the OpenAPI tests describe and call: one with a rule of every kind, the starter, and a generated one with
 * thirty collections of varied records. alice (id 2) owns record 2 of every collection with owners; admin is id 1.
 */
export function rulesDb() {
  return {
    posts: [
      { id: 1, title: 'for admins', userId: 1, publishedAt: '2024-01-02T03:04:05Z' },
      { id: 2, title: 'by alice', userId: 2, publishedAt: '2024-02-03T04:05:06Z' },
    ],
    comments: [
      { id: 1, body: 'on the admins’ post', postId: 1, userId: 3 },
      { id: 2, body: 'alice on her post', postId: 2, userId: 2 },
    ],
    messages: [
      { id: 1, text: 'bob’s', userId: 3 },
      { id: 2, text: 'alice’s', userId: 2 },
    ],
    notes: [
      { id: 1, text: 'bob’s note', userId: 3 },
      { id: 2, text: 'alice’s note', userId: 2, pinned: true },
    ],
    reviews: [
      { id: 1, stars: 4, postId: 1 },
      { id: 2, stars: 5, postId: 2 },
    ],
    secrets: [
      { id: 1, code: '1234' },
      { id: 2, code: '4321' },
    ],
    drafts: [
      { id: 1, title: 'outline', tags: ['a'] },
      { id: 2, title: 'plan', tags: [] },
    ],
    archives: [
      { id: 1, year: 2020 },
      { id: 2, year: 2021 },
    ],
    tags: [{ id: 'news', label: 'News' }],
    labels: [
      { id: 'news', label: 'News', color: '#f00' },
      { id: 'tips', label: 'Tips', color: '#0f0' },
    ],
    profile: { name: 'typicode', theme: 'dark' },
  };
}

/** Every kind of rule: public, authenticated, verified, owner, nobody, a role, per-method, an item rule, guards, a rewrite. */
export const RULES_ROUTES = {
  '/api/*': '/$1',
  '/posts': { read: 'public', POST: 'authenticated', 'PUT PATCH DELETE': ['owner', 'admin'] },
  '/posts/1': { read: 'admin' },
  comments: 644,
  messages: 660,
  '/notes': { '*': 'owner' },
  '/reviews': { read: 'public', write: 'verified' },
  '/secrets': { '*': 'admin' },
  '/drafts': { '*': 'editor' },
  '/archives': { read: 'authenticated', write: 'nobody' },
  '/tags': { '*': 'nobody' },
  '/labels': { '*': 'public' },
  '/profile': { read: 'public', write: 'admin' },
};

const STARTER = path.join(__dirname, '..', '..', 'starter');

/** The starter project's files as they ship (`fake-jwt-api init` copies them). */
export const starterFiles = (): Record<string, string> =>
  Object.fromEntries(['db.json', 'routes.json', 'users.json'].map((name) => [name, readFileSync(path.join(STARTER, name), 'utf8')]));

const COLLECTIONS = [
  'posts',
  'comments',
  'blog-posts',
  'user_profiles',
  '2fa-codes',
  'people',
  'persons',
  'errors',
  'publicUsers',
  'categories',
  'products',
  'orders',
  'order-items',
  'invoices',
  'customers',
  'addresses',
  'events',
  'tickets',
  'venues',
  'news',
  'series',
  'photos',
  'albums',
  'todos',
  'tasks',
  'projects',
  'milestones',
  'reviews',
  'ratings',
  'emptyThings',
];

/** Field values by kind, from a record's index: every type and format inference knows, and mixes of them. */
const FIELD_KINDS: Array<(index: number) => unknown> = [
  (index) => index * 3,
  (index) => index + 0.5,
  (index) => `text ${index}`,
  (index) => `person${index}@example.com`,
  (index) => `2024-0${1 + (index % 9)}-1${index % 10}`,
  (index) => new Date(Date.UTC(2024, 0, 1 + index, 12)).toISOString(),
  (index) => `https://example.com/items/${index}?page=${index}`,
  (index) => index % 2 === 0,
  (index) => (index % 3 === 0 ? null : `maybe ${index}`),
  (index) => ({ street: `${index} Main St`, geo: { lat: index / 10, lng: -index }, ...(index % 2 ? { zip: '12345' } : {}) }),
  (index) => [`tag${index}`, 'common'],
  (index) => [{ sku: `s${index}`, qty: index }, ...(index % 2 ? [{ sku: 'x', qty: 1.5, note: null }] : [])],
  (index) => (index % 2 ? index : String(index)),
  () => [],
  (index) => [[index], []],
];

/** Thirty collections of seeded, varied records (some fields missing, some mixed), with foreign keys to nest by, and two singular resources. */
export function generatedDb(): Record<string, unknown> {
  let seed = 17;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const db: Record<string, unknown> = {};
  COLLECTIONS.forEach((name, position) => {
    const count = name === 'emptyThings' ? 0 : 1 + Math.floor(random() * 6);
    const fields = Array.from({ length: 2 + Math.floor(random() * 6) }, (_, field) => [`field${field}`, Math.floor(random() * FIELD_KINDS.length)] as const);
    const stringIds = position % 5 === 4;
    db[name] = Array.from({ length: count }, (_, index) => {
      const record: Record<string, unknown> = { id: stringIds ? `${name}-${index + 1}` : index + 1 };
      for (const [field, kind] of fields) if (index === 0 || random() < 0.8) record[field] = FIELD_KINDS[kind](index + position);
      if (position % 3 === 1) record.postId = 1 + (index % 2);
      if (position % 4 === 2) record.userId = 1 + (index % 3);
      return record;
    });
  });
  db.settings = { theme: 'dark', pageSize: 20, features: { beta: true } };
  db.meta = { version: '1.2.3', updatedAt: '2024-05-06T07:08:09Z' };
  return db;
}
