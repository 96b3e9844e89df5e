import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcryptjs';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import type { FakeJwtApi } from '../../src/app/create-server';
import {
  expectContract,
  login,
  SAMPLE_LOGINS,
  SAMPLE_USERS,
  useCleanup,
  useOwnProjects,
  validateOpenApi,
  type OpenApiDocument,
  type Project,
} from '../support';
import { generatedDb, RULES_ROUTES, rulesDb, starterFiles } from '../support/openapi-fixtures';

// Issue 17, "Proof that it is right": the document served at /openapi.json validates as OpenAPI 3.1 for the
// starter, for a rule of every kind, and for thirty generated collections; and it says what the rules say.

const documentOf = async (api: FakeJwtApi, host?: string): Promise<OpenApiDocument> => {
  const asked = request(api.app).get('/openapi.json');
  if (host) asked.set('Host', host);
  return (await asked.expect(200).expect('Content-Type', /application\/json/)).body as OpenApiDocument;
};

const operationsOf = (document: OpenApiDocument) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'].includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );

const BEARER = ['bearerAuth', 'openId'];

// Accounts kept in db.json's own `users` collection, as json-server-auth keeps them: one plain password, one bcrypt hash.
const CAROL_PASSWORD = 'carol-in-db-secret';
const dbAccounts = () => ({
  posts: [{ id: 1, title: 'hello', userId: 1 }],
  users: [
    { id: 1, email: 'dana@example.com', password: 'dana-plain-secret', role: 'admin', name: 'Dana' },
    { id: 2, email: 'carol@example.com', password: bcrypt.hashSync(CAROL_PASSWORD, 4), name: 'Carol' },
  ],
});

const { project: newProject, open } = useOwnProjects();
const track = useCleanup();

interface Described {
  name: string;
  project: Project;
  api: FakeJwtApi;
  document: OpenApiDocument;
  /** The password material the project's accounts held at the start, and hold now (hashes). */
  secrets: string[];
}

/** Every password of the project's accounts as written, and every hash (and its salt and key) as the files hold them now. */
function secretsOf(project: Project, written: unknown[]): string[] {
  const now = [existsSync(project.file('users.json')) ? project.json('users.json') : [], (project.json('db.json') as { users?: unknown[] }).users ?? []].flat();
  const passwords = [...written, ...now].map((account) => String((account as { password?: unknown }).password ?? '')).filter(Boolean);
  return [...new Set(passwords.flatMap((secret) => [secret, ...secret.split('$').filter((part) => part.length >= 16)]))];
}

async function describeProject(name: string, files: Record<string, unknown>, options: object = {}): Promise<Described> {
  const project = newProject(files);
  const api = await open(project, options);
  const written = [files['users.json'], (files['db.json'] as { users?: unknown[] }).users].flat().filter((entry) => typeof entry === 'object');
  const parsed = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
  return { name, project, api, document: await documentOf(api), secrets: secretsOf(project, written.map(parsed)) };
}

const described: Described[] = [];
const byName = (name: string) => described.find((each) => each.name === name)!;

beforeAll(async () => {
  const rules = { 'db.json': rulesDb(), 'users.json': SAMPLE_USERS, 'routes.json': RULES_ROUTES };
  described.push(
    await describeProject('the starter', starterFiles()),
    await describeProject('the starter, --default-access public', starterFiles(), { defaultAccess: 'public' }),
    await describeProject('a rule of every kind', rules),
    await describeProject('a rule of every kind, --read-only', rules, { readOnly: true }),
    await describeProject('thirty generated collections', { 'db.json': generatedDb(), 'users.json': SAMPLE_USERS }),
    await describeProject('accounts in db.json, --cookie, HS256', { 'db.json': dbAccounts() }, { cookie: true, alg: 'HS256' }),
  );
});

describe('the document validates (swagger-parser)', () => {
  it('for every project; and the validator does refuse a broken document', () => {
    const broken = structuredClone(described[0].document);
    (broken.paths['/posts'].get.responses['200'].content['application/json'].schema as { items: unknown }).items = { $ref: '#/components/schemas/Nothing' };
    const answers = validateOpenApi([...described.map(({ document }) => document), broken]);
    expect(Object.fromEntries(described.map(({ name }, index) => [name, answers[index]]))).toEqual(
      Object.fromEntries(described.map(({ name }) => [name, 'valid'])),
    );
    expect(answers.at(-1)).not.toBe('valid');
  });

  it('every operationId is unique in each document', () => {
    for (const { name, document } of described) {
      const ids = operationsOf(document).map(({ operation }) => operation.operationId as string);
      const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
      expect([name, repeated]).toEqual([name, []]);
    }
  });

  it('no part of any document holds a password or a hash of the accounts', () => {
    for (const { name, document, secrets } of described) {
      expect(secrets.length).toBeGreaterThan(1);
      const text = JSON.stringify(document);
      expect([name, secrets.filter((secret) => text.includes(secret))]).toEqual([name, []]);
    }
    // The scan sees a hash when there is one: db.json's carol is stored with one.
    expect(byName('accounts in db.json, --cookie, HS256').secrets.some((secret) => secret.startsWith('$2'))).toBe(true);
  });

  it('an account’s email, which only its owner and admins see, is neither required nor in an example', () => {
    const { document } = byName('the starter, --default-access public');
    const user = document.components.schemas.User;
    expect(document.paths['/users'].get.security).toEqual([]);
    expect(user.examples).toEqual([expect.objectContaining({ id: 1, name: 'Ada Admin' })]);
    expect(user.required ?? []).not.toContain('email');
    expect(JSON.stringify(document)).not.toContain('admin@example.com');
  });

  it('the thirty collections each have their paths and a schema their records fit', async () => {
    const { api, document } = byName('thirty generated collections');
    const admin = await login(api.app, SAMPLE_LOGINS.admin.email, SAMPLE_LOGINS.admin.password);
    const db = generatedDb();
    const collections = Object.keys(db).filter((name) => Array.isArray(db[name]));
    expect(collections).toHaveLength(30);
    for (const name of collections) {
      const list = await request(api.app).get(`/${name}`).set('Authorization', `Bearer ${admin}`);
      expectContract(document, list, 'GET', `/${name}`);
      const first = (db[name] as Array<{ id: unknown }>)[0];
      if (!first) continue;
      const item = await request(api.app)
        .get(`/${name}/${encodeURIComponent(String(first.id))}`)
        .set('Authorization', `Bearer ${admin}`);
      expect(item.status).toBe(200);
      expectContract(document, item, 'GET', `/${name}/{id}`);
    }
    for (const name of ['settings', 'meta'])
      expectContract(document, await request(api.app).get(`/${name}`).set('Authorization', `Bearer ${admin}`), 'GET', `/${name}`);
    // Names that meet: two collections whose singular is Person, one whose is Error (the error body's schema).
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['Person', 'PersonRecord', 'Error', 'ErrorRecord', 'R2faCode']));
    expect(document.paths).toHaveProperty(['/posts/{id}/comments']);
  });
});

/** `optional`: a token is not needed, but some records' own rules (`/posts/1`) ask one. */
type Access = 'public' | 'optional' | 'token' | 'absent';
// [path, method, who may call it, the words its description uses for who ('' for none checked)]
const ACCESS: Array<[string, string, Access, string]> = [
  ['/posts', 'get', 'public', 'anyone, without a token'],
  ['/posts/{id}', 'get', 'optional', 'anyone, without a token; or role `admin`. Some records have rules of their own'],
  ['/posts', 'post', 'token', 'any signed-in caller'],
  ['/posts/{id}', 'put', 'token', "the record's owner (its `userId`"],
  ['/posts/{id}', 'delete', 'token', 'role `admin`'],
  ['/comments', 'get', 'public', ''],
  ['/comments', 'post', 'token', 'a create is stamped with it'],
  ['/comments/{id}', 'patch', 'token', "the record's owner"],
  ['/messages', 'get', 'token', 'any signed-in caller'],
  ['/messages/{id}', 'delete', 'token', 'any signed-in caller'],
  ['/notes', 'get', 'token', "the record's owner"],
  ['/notes/{id}', 'put', 'token', "the record's owner"],
  ['/reviews', 'get', 'public', ''],
  ['/reviews', 'post', 'token', 'whose email is verified'],
  ['/secrets', 'get', 'token', 'role `admin`'],
  ['/secrets/{id}', 'delete', 'token', 'role `admin`'],
  ['/drafts', 'get', 'token', 'role `editor`'],
  ['/archives', 'get', 'token', 'any signed-in caller'],
  ['/archives', 'post', 'absent', ''],
  ['/archives/{id}', 'get', 'token', ''],
  ['/archives/{id}', 'put', 'absent', ''],
  ['/archives/{id}', 'patch', 'absent', ''],
  ['/archives/{id}', 'delete', 'absent', ''],
  ['/tags', 'get', 'absent', ''],
  ['/tags/{id}', 'get', 'absent', ''],
  ['/profile', 'get', 'public', ''],
  ['/profile', 'put', 'token', 'role `admin`'],
  ['/posts/{id}/comments', 'get', 'optional', 'The caller must also be allowed to read the post: anyone, without a token; or role `admin`'],
  ['/posts/{id}/comments', 'post', 'token', ''],
  ['/posts/{id}/reviews', 'post', 'token', 'verified'],
  ['/users/{id}/posts', 'get', 'token', 'anyone, without a token. The caller must also be allowed to read the user: any signed-in caller'],
  ['/users/{id}/notes', 'post', 'token', "the record's owner"],
  ['/db', 'get', 'token', 'role `admin`'],
];

describe('each operation’s security is what its rule requires', () => {
  it.each(ACCESS)('%s %s: %s', (path, method, access, words) => {
    const operation = byName('a rule of every kind').document.paths[path]?.[method];
    if (access === 'absent') return expect(operation).toBeUndefined();
    expect(operation).toBeDefined();
    const bearer = BEARER.map((scheme) => ({ [scheme]: [] }));
    expect(operation.security).toEqual({ public: [], optional: [...bearer, {}], token: bearer }[access]);
    if (access === 'public') expect(operation.responses).not.toHaveProperty('401');
    else expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
    if (words) expect(operation.description).toContain(words);
  });

  it('a path some of whose methods nobody may call says which and why', () => {
    const { paths } = byName('a rule of every kind').document;
    expect(paths['/archives'].description).toBe('POST is left out: nobody may call it (routes.json).');
    expect(paths['/archives/{id}'].description).toMatch(/^PUT is left out: nobody may call it \(routes\.json\)\. PATCH .* DELETE is left out/);
    expect(Object.keys(paths).filter((path) => path.includes('tags'))).toEqual([]);
  });

  it('--read-only leaves every write of the resources out, and says why; the auth API stays', () => {
    const { paths } = byName('a rule of every kind, --read-only').document;
    const resources = Object.keys(rulesDb()).filter((name) => name !== 'tags');
    for (const name of resources)
      for (const path of Object.keys(paths).filter((each) => each === `/${name}` || each.startsWith(`/${name}/`))) {
        expect([path, Object.keys(paths[path]).filter((key) => key !== 'description')]).toEqual([path, ['get']]);
        expect(paths[path].description).toMatch(/left out: nobody may call it \(.*read-only/);
      }
    expect(paths['/auth/login'].post).toBeDefined();
    expect(paths['/auth/register'].post).toBeDefined();
  });

  it('the rewrites are in the description; the accounts in db.json register at POST /users', () => {
    expect(byName('a rule of every kind').document.info.description).toContain('`/api/*` → `/$1`');
    const accounts = byName('accounts in db.json, --cookie, HS256').document;
    expect(accounts.paths['/users'].post.operationId).toBe('registerAtUsers');
    expect(accounts.components.securitySchemes).toEqual({ bearerAuth: expect.objectContaining({ scheme: 'bearer', bearerFormat: 'JWT' }) });
    expect(accounts.components.schemas.AuthResult.required).not.toContain('refreshToken');
  });
});

describe('the document follows the server as it is now', () => {
  it('a record with a new field is in the next document’s schema', async () => {
    const { api } = byName('a rule of every kind');
    const before = await documentOf(api);
    expect(before.components.schemas.Post.properties).not.toHaveProperty('featured');
    const alice = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    const post = () => request(api.app).post('/posts').set('Authorization', `Bearer ${alice}`).send({ title: 'new', featured: true }).expect(201);
    // posts has an item rule (`/posts/1`), so its schema is its shape: a field of one record of three is not yet in it.
    await post();
    expect((await documentOf(api)).components.schemas.Post.properties).not.toHaveProperty('featured');
    await post();
    const after = await documentOf(api);
    expect(after.components.schemas.Post.properties.featured).toEqual({ type: 'boolean' });
    expect(after.paths['/posts'].get.parameters.map(({ name }: { name: string }) => name)).toContain('featured_ne');
  });

  it('/openapi.yaml is the same document as /openapi.json', async () => {
    // Two of them: YAML takes about a second a document on a busy machine. The generated one has the oddest values.
    for (const { api } of [byName('the starter'), byName('thirty generated collections')]) {
      const yaml = await request(api.app)
        .get('/openapi.yaml')
        .set('Host', 'localhost:4000')
        .expect(200)
        .expect('Content-Type', /application\/yaml/);
      expect(parseYaml(yaml.text)).toEqual(await documentOf(api, 'localhost:4000'));
    }
  });

  it('servers[0].url is the origin the request used', async () => {
    const { api } = byName('the starter');
    expect((await documentOf(api, 'localhost:4321')).servers).toEqual([{ url: 'http://localhost:4321' }]);
    expect((await documentOf(api, '[::1]:3000')).servers).toEqual([{ url: 'http://[::1]:3000' }]);
    const listening = api.app.listen(0, '127.0.0.1');
    track({ close: () => new Promise<void>((resolve) => listening.close(() => resolve())) });
    await once(listening, 'listening');
    const origin = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const document = (await (await fetch(`${origin}/openapi.json`)).json()) as OpenApiDocument;
    expect(document.servers).toEqual([{ url: origin }]);
    expect(document.components.securitySchemes?.openId?.openIdConnectUrl).toBe(`${origin}/.well-known/openid-configuration`);
  });
});

// Red team: the document is public, so of records anyone may not read it shows the shape, never the data — not the
// keys of a nested object (`apiKeys: { "sk_live_…": true }`), nor a top-level key only one user's record has.
describe('of data anyone may not read, the document shows the shape, not the data', () => {
  const SECRET_KEY = 'sk_live_ALICESECRET123';
  const SSN = '078-05-1120';
  // Not alice@example.com: the auth API's fixed examples (auth-schemas.ts) use that one, data or not.
  const EMAIL = 'alice.private@example.org';
  const files = () => ({
    'db.json': {
      secrets: [{ id: 1, userId: 2, apiKeys: { [SECRET_KEY]: true }, byEmail: { [EMAIL]: { ssn: SSN } } }],
      notes: [
        { id: 1, userId: 2, text: 'alice’s', tags: [{ aliceTag: 1 }], meta: { aliceMeta: true }, aliceDiary: 'hers alone' },
        { id: 2, userId: 3, text: 'bob’s', tags: [], meta: {}, at: '2024-01-02T03:04:05Z' },
        { id: 3, userId: 3, text: 'bob’s too', tags: [], meta: {}, at: '2024-02-03T04:05:06Z' },
      ],
      labels: [{ id: 1, name: 'news', style: { color: 'red' } }],
      vault: { owner: 'admin', keys: { [SECRET_KEY]: 'x' } },
    },
    'users.json': SAMPLE_USERS,
    'routes.json': { '/secrets': { '*': 'owner' }, '/notes': { '*': 'owner' }, '/labels': { '*': 'public' }, '/vault': { '*': 'admin' } },
  });
  let api: FakeJwtApi;
  let document: OpenApiDocument;
  beforeAll(async () => {
    api = await open(newProject(files()));
    document = await documentOf(api);
  });

  it('the secret keys and alice’s email are nowhere in /openapi.json or /openapi.yaml', async () => {
    const yaml = (await request(api.app).get('/openapi.yaml').expect(200)).text;
    for (const text of [JSON.stringify(document), yaml])
      for (const leak of [SECRET_KEY, EMAIL, SSN]) expect([leak, text.includes(leak)]).toEqual([leak, false]);
    // The scan would see them: the keys are in the data, and the data is served to its owner.
    const alice = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    expect(JSON.stringify((await request(api.app).get('/secrets/1').set('Authorization', `Bearer ${alice}`).expect(200)).body)).toContain(SECRET_KEY);
  });

  it('a private record alone: its id and owner field only, and the schema says why', () => {
    const secret = document.components.schemas.Secret;
    expect(Object.keys(secret.properties)).toEqual(['id', 'userId']);
    expect(secret.examples).toBeUndefined();
    expect(secret.description).toMatch(/^Not every caller may read these records .* A record may hold other fields\.$/);
  });

  it('keys most records share are there with their type; a key of one record is not; nested values are bare', () => {
    const note = document.components.schemas.Note;
    expect(Object.keys(note.properties)).toEqual(['id', 'userId', 'text', 'tags', 'meta', 'at']);
    expect(note.properties).toMatchObject({
      text: { type: 'string' },
      tags: { type: 'array' },
      meta: { type: 'object' },
      at: { type: 'string', format: 'date-time' },
    });
    expect(note.properties.tags).toEqual({ type: 'array' });
    expect(note.properties.meta).toEqual({ type: 'object' });
    expect(note.required).toEqual(['id', 'userId', 'text', 'tags', 'meta']);
    expect(JSON.stringify(document)).not.toMatch(/aliceDiary|aliceTag|aliceMeta/);
    const filters = document.paths['/notes'].get.parameters.map(({ name }: { name: string }) => name);
    expect(filters).toContain('text_ne');
    expect(filters.filter((name: string) => name.startsWith('aliceDiary'))).toEqual([]);
  });

  it('a public collection keeps its nested properties; a private singular resource shows its top-level keys only', () => {
    expect(document.components.schemas.Label.properties.style).toEqual({ type: 'object', properties: { color: { type: 'string' } }, required: ['color'] });
    expect(document.components.schemas.Label.description).toBeUndefined();
    const vault = document.components.schemas.Vault;
    expect(vault.properties).toEqual({ owner: { type: 'string' }, keys: { type: 'object' } });
    expect(vault.description).toMatch(/^Not every caller may read this /);
  });
});
