/**
 * What the red team found in --trust (README "Use your own identity provider"), each as several shapes of the
 * attack: emails that only look like a local account's, subs a local account has, had or will have, claims that
 * would forge a line of the request log, and typ, iat and email_verified values outside what the README accepts.
 */
import { makeProject, requestAs, SAMPLE_USERS, serverFor, useServer } from '../support';
import { useMockIdps, type MockIdp } from '../support/mock-idp';

const startIdp = useMockIdps();
let idp: MockIdp;
beforeAll(async () => {
  idp = await startIdp();
});

const { serve } = useServer({ files: { 'db.json': { posts: [{ id: 1, title: 'bob post', userId: 3 }] }, 'users.json': SAMPLE_USERS } });
const trusting = async () => (await serve({ trust: [idp.issuer] })).app;

describe('an email that only looks like a local account’s is another address', () => {
  const admin = SAMPLE_USERS.find((user) => user.role === 'admin')!.email;
  const [local, domain] = admin.split('@');
  const fullWidth = (text: string) => text.replace(/[a-z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 0xfee0));

  it.each([
    ['full-width letters in the local part', `${fullWidth(local)}@${domain}`],
    ['a full-width domain', `${local}@${fullWidth(domain)}`],
    ['a modifier letter', `\u1d43${local.slice(1)}@${domain}`],
    ['spaces around it', ` ${admin} `],
    ['a no-break space after it', `${admin}\u00a0`],
    ['a line break after it', `${admin}\n`],
    ['a Cyrillic e for an e', admin.replace('e', '\u0435')],
  ])('%s: an external caller, never the admin', async (_, email) => {
    const app = await trusting();
    const me = await requestAs(app, await idp.token({ sub: 'idp|look-alike', email }), 'GET', '/auth/me').expect(200);
    expect(me.body).toMatchObject({ id: 'idp|look-alike', role: 'user' });
    expect((await requestAs(app, await idp.token({ sub: 'idp|look-alike', email }), 'GET', '/db')).status).toBe(403);
  });

  it('the same address in other ASCII case is the account', async () => {
    const app = await trusting();
    const me = await requestAs(app, await idp.token({ sub: 'idp|admin', email: admin.toUpperCase() }), 'GET', '/auth/me').expect(200);
    expect(me.body.email).toBe(admin);
  });
});

describe('a sub that a local account has, had or will have is refused', () => {
  it.each(['1', '3', '99', '0', '9007199254740991'])('sub %s, without a local account’s verified email', async (sub) => {
    const app = await trusting();
    const response = await requestAs(app, await idp.token({ sub, email: 'someone@elsewhere.test' }), 'PATCH', '/posts/1', { title: 'taken' });
    expect({ status: response.status, error: response.body.error }).toEqual({ status: 401, error: 'invalid_token' });
  });

  it('a deleted account’s id does not hand its records to a provider’s caller', async () => {
    const api = await serve({ trust: [idp.issuer] });
    const adminToken = await idp.token({ sub: 'idp|admin', email: SAMPLE_USERS.find((user) => user.role === 'admin')!.email });
    await requestAs(api.app, adminToken, 'DELETE', '/auth/users/3').expect(204);
    expect((await requestAs(api.app, await idp.token({ sub: '3' }), 'PATCH', '/posts/1', { title: 'taken' })).status).toBe(401);
  });

  it('the string id of an account deleted since stays refused, after a restart too', async () => {
    const users = [...SAMPLE_USERS.filter((user) => user.id !== 3), { ...SAMPLE_USERS.find((user) => user.id === 3)!, id: 'u-bob' }];
    const project = makeProject({ 'db.json': { notes: [{ id: 1, text: 'bob note', userId: 'u-bob' }] }, 'users.json': users });
    try {
      const first = await serverFor(project, { trust: [idp.issuer] });
      const adminToken = await idp.token({ sub: 'idp|admin', email: SAMPLE_USERS.find((user) => user.role === 'admin')!.email });
      await requestAs(first.app, adminToken, 'DELETE', '/auth/users/u-bob').expect(204);
      expect((await requestAs(first.app, await idp.token({ sub: 'u-bob' }), 'PATCH', '/notes/1', { text: 'taken' })).status).toBe(401);
      await first.close();
      const again = await serverFor(project, { trust: [idp.issuer] });
      expect((await requestAs(again.app, await idp.token({ sub: 'u-bob' }), 'GET', '/notes/1')).status).toBe(401);
      await again.close();
    } finally {
      project.cleanup();
    }
  });

  it('subs beyond any id this server gives (Google’s 21 digits) and other shapes are external callers', async () => {
    const app = await trusting();
    for (const sub of ['110169484474386276334', '01', '1.0', 'auth0|3'])
      expect((await requestAs(app, await idp.token({ sub }), 'GET', '/auth/me').expect(200)).body.id).toBe(sub);
  });
});

describe('claims that would forge the request log', () => {
  it.each([
    ['x\nGET /users/1 200 1.0 ms user 1 (admin)'],
    ['x\r1'],
    ['x\u2028y'],
    ['x'.repeat(256)],
    ['\u0000'],
    [' 1'],
    ['x\u0085'],
    ['x\u2029'],
    ['1\u200b'],
    ['\u200b1'],
    ['evil\u202efdp'],
    ['x\ufeff'],
    ['x\ud800'],
  ])('a sub %j is refused', async (sub) => {
    const app = await trusting();
    expect((await requestAs(app, await idp.token({ sub }), 'GET', '/auth/me')).status).toBe(401);
  });

  it('a role with a line break is logged on one line, escaped', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const { app } = await serve({ trust: [idp.issuer], logger: true });
      await requestAs(app, await idp.token({ sub: 'idp|x', role: ['editor', 'admin (x)\nDELETE /posts/1 204 1.0 ms user 1'] }), 'GET', '/auth/me').expect(200);
    } finally {
      spy.mockRestore();
    }
    const line = written.find((each) => each.startsWith('GET /auth/me'));
    expect(line).toMatch(/^GET \/auth\/me 200 [\d.]+ ms user idp\|x \(editor, "admin \(x\)\\nDELETE \/posts\/1 204 1\.0 ms user 1"\)\n$/);
  });
});

describe('values outside what the README accepts', () => {
  it.each([[['JWT']], [''], ['jwt '], [0]])('typ %j is refused', async (typ) => {
    const app = await trusting();
    expect((await requestAs(app, await idp.token({ sub: 'idp|t' }, { typ }), 'GET', '/auth/me')).status).toBe(401);
  });

  it.each([[String(Math.floor(Date.now() / 1000) + 9999)], [String(Math.floor(Date.now() / 1000))], [[1]]])('iat %j (not a number) is refused', async (iat) => {
    const app = await trusting();
    expect((await requestAs(app, await idp.token({ sub: 'idp|t', iat }), 'GET', '/auth/me')).status).toBe(401);
  });

  it.each([['False'], [0], ['no'], [false], ['false'], [{}]])('email_verified %j makes an external caller', async (emailVerified) => {
    const app = await trusting();
    const token = await idp.token({ sub: 'idp|v', email: SAMPLE_USERS[0].email, email_verified: emailVerified });
    expect((await requestAs(app, token, 'GET', '/auth/me').expect(200)).body.id).toBe('idp|v');
  });
});
