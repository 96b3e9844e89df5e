/**
 * A red team's finding (Medium): invisible and look-alike usernames and emails registered (201) beside an existing
 * `alice`, with tokens whose `email` or `preferred_username` was drawn like hers. Now a login name with an invisible
 * or blank character (Default_Ignorable, Hangul fillers, format and control characters), İ, letters of two scripts,
 * or (a username) a compatibility form is refused with a 400 saying which character, wherever it is set: a
 * registration, one's own PATCH /auth/me, an admin's PATCH /auth/users/:id, and a hand-written users.json at start.
 */
import { randomBytes } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import { loginPair, requestAs, useOwnProjects, useServer } from '../support';

type App = FakeJwtApi['app'];

const USERS = [
  { id: 1, email: 'admin@example.com', password: 'admin123', role: 'admin' },
  { id: 2, email: 'alice@example.com', username: 'alice', password: 'alice123' },
  { id: 3, email: 'bob@example.com', username: 'bob', password: 'bob12345' },
];
// One server for the file: a refusal changes nothing, and what is accepted has names of its own.
const { project, serve } = useServer({ files: { 'db.json': { posts: [] }, 'users.json': USERS }, scope: 'file' });
const own = useOwnProjects();
let app: App;
beforeAll(async () => ({ app } = await serve()));

// [what, username, the character the answer names]: the red team's samples, each beside `alice`.
const LOOKALIKE_USERNAMES: Array<[string, string, string]> = [
  ['U+034F combining grapheme joiner (Mn, invisible)', 'alice\u034F', 'U+034F'],
  ['U+FE0F variation selector', 'alice\uFE0F', 'U+FE0F'],
  ['U+E0100 variation selector', 'alice\u{E0100}', 'U+E0100'],
  ['U+180B Mongolian variation selector', 'alice\u180B', 'U+180B'],
  ['U+17B4 Khmer invisible vowel', 'alice\u17B4', 'U+17B4'],
  ['U+3164 Hangul filler after', 'alice\u3164', 'U+3164'],
  ['U+3164 Hangul filler before', '\u3164alice', 'U+3164'],
  ['a Cyrillic а', '\u0430lice', 'U+0430'],
  ['a Cyrillic е', 'alic\u0435', 'U+0435'],
  ['İ, whose lower case is drawn i', 'al\u0130ce', 'U+0130'],
  ['U+2170 small roman numeral one', '\u2170alice', '"ialice"'],
];

const LOOKALIKE_EMAILS: Array<[string, string, string]> = [
  ['U+FE0F after admin', 'admin\uFE0F@example.com', 'U+FE0F'],
  ['U+034F after alice', 'alice\u034F@example.com', 'U+034F'],
  ['U+3164 in the domain', 'alice@example\u3164.com', 'U+3164'],
  ['a Cyrillic а in the local part', '\u0430lice@example.com', 'U+0430'],
  ['a Cyrillic а in the domain', 'alice@ex\u0430mple.com', 'U+0430'],
  ['İ in the local part', 'al\u0130ce@example.com', 'U+0130'],
];

const unique = () => `${randomBytes(4).toString('hex')}@example.com`;
const register = (app: App, body: object) =>
  request(app)
    .post('/auth/register')
    .send({ password: 'some-password', ...body });
const claimsOf = (token: string) => jwt.decode(token) as JwtPayload;
const storedUsers = () => project.json('users.json') as Array<Record<string, unknown>>;
const isStored = (field: string, value: string) => storedUsers().some((account) => account[field] === value);

/** A 400 invalid_request naming `named`, the field's rule first. */
function expectRefusal(response: request.Response, field: 'username' | 'email', named: string): void {
  expect({ status: response.status, error: response.body.error }).toEqual({ status: 400, error: 'invalid_request' });
  expect(response.body.message).toMatch(new RegExp(`^"${field}" must `));
  expect(response.body.message).toContain(named);
}

describe('POST /auth/register', () => {
  it.each(LOOKALIKE_USERNAMES)('refuses a username with %s', async (_what, username, named) => {
    expectRefusal(await register(app, { email: unique(), username }), 'username', named);
    expect(isStored('username', username)).toBe(false);
  });

  it.each(LOOKALIKE_EMAILS)('refuses an email with %s', async (_what, email, named) => {
    expectRefusal(await register(app, { email }), 'email', named);
    expect(isStored('email', email)).toBe(false);
  });

  it('refuses them under --login-field username too, where the username is the one name', async () => {
    const byName = await serve({ loginField: 'username' });
    expectRefusal(await register(byName.app, { username: 'alic\u0435' }), 'username', 'U+0435');
    expectRefusal(await register(byName.app, { username: 'alice\u3164' }), 'username', 'U+3164');
  });

  it.each([
    ['Cyrillic', '\u0410\u043B\u0451\u043D\u0430' /* Алёна */],
    ['Greek', '\u03A9\u03BC\u03AD\u03B3\u03B1' /* Ωμέγα */],
    ['Japanese', '\u5C71\u7530\u305F\u308D\u3046' /* 山田たろう */],
    ['Hindi, with its marks', '\u0928\u092E\u0938\u094D\u0924\u0947' /* नमस्ते */],
    ['Arabic', '\u0645\u062D\u0645\u062F' /* محمد */],
  ])('accepts a %s username, and logs it in by it', async (_script, username) => {
    const { body } = await register(app, { email: unique(), username }).expect(201);
    expect(claimsOf(body.accessToken)).toMatchObject({ preferred_username: username });
    await request(app).post('/auth/login').send({ username, password: 'some-password' }).expect(200);
  });

  it('accepts an IDN address, and logs it in by it', async () => {
    const { body } = await register(app, { email: 'j\u00F6rg@b\u00FCcher.de' }).expect(201);
    expect(claimsOf(body.accessToken)).toMatchObject({ email: 'j\u00F6rg@b\u00FCcher.de' });
    await loginPair(app, 'j\u00F6rg@b\u00FCcher.de', 'some-password');
  });
});

describe('PATCH /auth/me and an admin PATCH /auth/users/:id', () => {
  // With the right currentPassword: a change of login name may ask for it, and the refusal must be the name's.
  const changes = [
    ...LOOKALIKE_USERNAMES.map(([what, username, named]) => ({ what: `username with ${what}`, field: 'username' as const, value: username, named })),
    ...LOOKALIKE_EMAILS.map(([what, email, named]) => ({ what: `email with ${what}`, field: 'email' as const, value: email, named })),
  ];

  let bob: string;
  let admin: string;
  beforeAll(async () => {
    bob = (await loginPair(app, 'bob@example.com', 'bob12345')).accessToken;
    admin = (await loginPair(app, 'admin@example.com', 'admin123')).accessToken;
  });

  it.each(changes)("refuses one's own $what, and changes nothing", async ({ field, value, named }) => {
    expectRefusal(await requestAs(app, bob, 'PATCH', '/auth/me', { [field]: value, currentPassword: 'bob12345' }), field, named);
    expect((await requestAs(app, bob, 'GET', '/auth/me').expect(200)).body).toEqual({ id: 3, email: 'bob@example.com', username: 'bob' });
  });

  it.each(changes)("refuses an admin's $what", async ({ field, value, named }) => {
    expectRefusal(await requestAs(app, admin, 'PATCH', '/auth/users/3', { [field]: value }), field, named);
    expect(storedUsers().find((account) => account.id === 3)).toMatchObject({ email: 'bob@example.com', username: 'bob' });
  });

  it('still takes a name in one script (last: bob keeps it)', async () => {
    const body = { username: '\u0411\u043E\u0431' /* Боб */, currentPassword: 'bob12345' };
    await requestAs(app, bob, 'PATCH', '/auth/me', body).expect(200);
    await request(app).post('/auth/login').send({ username: '\u0431\u043E\u0431', password: 'bob12345' }).expect(200);
  });
});

describe('a hand-written users.json', () => {
  it.each([
    ['username', 'U+3164', { email: 'x@example.com', username: 'alice\u3164', password: 'x-password' }],
    ['username', 'U+0435', { email: 'x@example.com', username: 'alic\u0435', password: 'x-password' }],
    ['username', 'U+0130', { username: 'al\u0130ce', password: 'x-password' }],
    ['email', 'U+034F', { email: 'alice\u034F@example.com', password: 'x-password' }],
    ['email', 'U+0430', { email: 'alice@ex\u0430mple.com', password: 'x-password' }],
  ])('with a look-alike %s (%s) is refused at start, naming the entry and what to do', async (field, named, entry) => {
    const project = own.project({ 'db.json': {}, 'users.json': [...USERS, entry] });
    const refused = own.open(project);
    await expect(refused).rejects.toMatchObject({ code: 'ERR_USERS_FILE', exitCode: 2 });
    const { message } = (await refused.catch((error: Error) => error)) as Error;
    expect(message).toContain(`users[3].${field}`);
    expect(message).toContain(named);
    expect(message).toMatch(/Edit that entry of .*users\.json/);
  });

  it('still loads a name that only a request is refused for: its plain form is one name with it, and older files hold such', async () => {
    const users = [...USERS, { email: 'admin@localhost', username: '\uFF43arol', password: 'carol123' }, { username: 'john doe', password: 'john1234' }];
    const api = await own.open(own.project({ 'db.json': {}, 'users.json': users }));
    await request(api.app).post('/auth/login').send({ username: 'carol', password: 'carol123' }).expect(200);
    await request(api.app).post('/auth/login').send({ username: 'john doe', password: 'john1234' }).expect(200);
  });
});
