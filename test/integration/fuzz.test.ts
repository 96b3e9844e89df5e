import fc from 'fast-check';
import request from 'supertest';
import { useAttackServers, attackDb, type AttackServer } from '../support/attack-project';

const startAttackServer = useAttackServers();

// Issue 10: a property-based attack on a project with owner, role and public rules. Whatever the query, body and
// headers: no 5xx, never HTML, every answer within 2 s, db.json parses, no password material, and no record of
// another owner in any answer. fast-check prints the seed and the shrunk request when a run fails; replay it with
// FUZZ_SEED=<seed>. FUZZ_RUNS raises the count (CI keeps it bounded).
const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const PRIVATE = 'ALICE-PRIVATE';

let server: AttackServer;
beforeAll(async () => {
  const db = attackDb();
  db.notes = db.notes.map((note) => (note.userId === 2 ? { ...note, text: `${PRIVATE} ${note.text}` } : note));
  db.messages = db.messages.map((message) => ({ ...message, text: `${PRIVATE} ${message.text}` }));
  db.diaries = db.diaries.map((diary) => ({ ...diary, text: `${PRIVATE} ${diary.text}` }));
  server = await startAttackServer({}, db);
});

const HOSTILE_KEYS = ['length', '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];
const word = fc.constantFrom('text', 'title', 'userId', 'id', 'postId', 'name', 'email', 'password', ...HOSTILE_KEYS);
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('(.|.)*!', '^(?=A)', '(a+)+$', '[', '\\1', 'launch', '1', '2', '3', '-1', '1e308', '9007199254740993', 'notes', 'user', 'comments', 'post'),
);
const queryKey = fc.oneof(
  fc.constantFrom('q', '_sort', '_order', '_page', '_limit', '_start', '_end', '_embed', '_expand', '_delay', 'callback', '_'),
  word,
  word.map((key) => `${key}_like`),
  word.map((key) => `${key}_ne`),
  word.map((key) => `${key}_gte`),
  fc.constantFrom('a.b', 'constructor.prototype', '__proto__.x', 'text[0]'),
);
const queryValue = fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', '0', '__proto__'), text, { maxKeys: 2 }));
const query = fc.dictionary(queryKey, queryValue, { maxKeys: 4 });
const bodyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(100_000_000, Number.MAX_SAFE_INTEGER, 1e308, -1, 0, '', null, 2, '2', 3));
const body = fc.oneof(
  fc.dictionary(word, bodyValue, { maxKeys: 5 }),
  // Raw bodies, sent as application/json text: malformed, or JSON that is not an object.
  fc.constantFrom<unknown>('not json', '[1, 2]', 'null', '42', '"text"', '{"nested":{"__proto__":{"admin":true}}}', '{"a":'),
);
const path = fc.constantFrom(
  '/notes',
  '/notes/1',
  '/notes/3',
  '/NOTES/2/',
  '/%6Eotes',
  '/api/notes',
  '/api/notes/1',
  '/messages',
  '/messages/1',
  '/diaries',
  '/diaries/1',
  '/posts',
  '/posts/1',
  '/posts/3',
  '/posts/3/comments',
  '/posts/3/notes',
  '/users',
  '/users/2',
  '/users/2/notes',
  '/users/3/diaries',
  '/comments',
  '/comments/1',
  '/admin',
  '/admin/1',
  '/tags',
  '/tags/abc',
  '/db',
  '/nothing',
  '/auth/me',
  '/auth/users',
  '/__rules',
);
const method = fc.constantFrom('GET', 'GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');
const who = fc.constantFrom('bob', 'bob', 'anonymous', 'garbage');
const override = fc.option(fc.constantFrom('DELETE', 'PATCH', 'GET', 'PUT', 'delete'), { nil: undefined });
// Other headers a hostile client sets: another site's Origin, a rebound Host, odd content types.
const extraHeaders = fc.dictionary(
  fc.constantFrom('Origin', 'Host', 'Content-Type', 'X-Forwarded-Host', 'Cookie', 'Accept'),
  fc.constantFrom(
    'https://evil.example',
    'null',
    'http://localhost:5173',
    'evil.example',
    'localhost',
    '127.0.0.1',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-16',
    'fja_refresh=x',
    'text/html',
  ),
  { maxKeys: 3 },
);

function toQueryString(values: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (key: string, value: unknown) => {
    if (Array.isArray(value)) value.forEach((each) => add(key, each));
    else if (value !== null && typeof value === 'object') Object.entries(value).forEach(([inner, each]) => add(`${key}[${inner}]`, each));
    else parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  };
  Object.entries(values).forEach(([key, value]) => add(key, value));
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

it('no request breaks a promise', async () => {
  await fc.assert(
    fc.asyncProperty(method, path, query, body, who, override, extraHeaders, async (verb, url, params, payload, caller, methodOverride, headers) => {
      const target = `${url}${toQueryString(params)}`;
      let test = request(server.api.app)[verb.toLowerCase() as 'get'](target).timeout(2000);
      if (caller === 'bob') test = test.set('Authorization', `Bearer ${server.tokens.bob}`);
      if (caller === 'garbage') test = test.set('Authorization', 'Bearer not.a.token');
      if (methodOverride) test = test.set('X-HTTP-Method-Override', methodOverride);
      for (const [name, value] of Object.entries(headers)) test = test.set(name, value);
      if (verb !== 'GET' && verb !== 'HEAD' && verb !== 'OPTIONS') {
        // A body as text, under whatever Content-Type the case chose (JSON unless it chose another).
        if (!headers['Content-Type']) test = test.set('Content-Type', 'application/json');
        test = test.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
      }
      const started = Date.now();
      const response = await test;
      const elapsed = Date.now() - started;
      const seen = response.text ?? '';
      const problem =
        response.status >= 500
          ? `a ${response.status}: ${seen}`
          : /text\/html/.test(String(response.headers['content-type'] ?? ''))
            ? 'an HTML answer'
            : elapsed > 2000
              ? `an answer after ${elapsed} ms`
              : seen.includes(PRIVATE)
                ? "Alice's private record"
                : /\$scrypt\$|\$2[aby]\$|alice123|bob12345|admin123/.test(seen)
                  ? 'password material'
                  : undefined;
      try {
        JSON.parse(server.project.read('db.json'));
      } catch {
        throw new Error(`${verb} ${target} left db.json unparsable`);
      }
      if (problem) throw new Error(`${verb} ${target} as ${caller}: ${problem}`);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
}, 600_000);
