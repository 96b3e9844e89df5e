import { useAttackServers, type AttackServer } from '../support/attack-project';

const startAttackServer = useAttackServers();

// Issue 10, item 1: no client-supplied pattern costs more than linear time in the text it scans.
const longText = (length: number) => 'a'.repeat(length);
let server: AttackServer;

beforeAll(async () => {
  const db = {
    comments: [
      { id: 1, body: longText(28), postId: 1 },
      { id: 2, body: `${longText(5000)}`, postId: 1 },
      { id: 3, body: 'Hello World', author: { name: 'Zoë' }, postId: 1 },
      { id: 4, body: 'second post, 42 words', postId: 1 },
    ],
    posts: [{ id: 1, title: 'x', userId: 1 }],
  };
  server = await startAttackServer({}, db);
});

const get = (url: string) => server.as('anonymous', 'GET', url);

describe('patterns that backtrack exponentially answer at once, without logging in', () => {
  it.each([
    ['(.|.)*!', 'the report: ambiguous alternation under a star'],
    ['(a|a)*b', 'the same with letters'],
    ['(a|aa)+$x', 'overlapping alternatives'],
    ['^(a+)+$x', 'nested quantifiers'],
    ['(a*)*b', 'a star of a star'],
    ['(.*a){5}x', 'a counted repeat of a greedy dot'],
    ['(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)b', 'alternation alone, no quantifier'],
  ])('%s (%s)', async (pattern) => {
    const started = Date.now();
    const slow = get(`/comments?body_like=${encodeURIComponent(pattern)}`);
    // Another client's request, sent meanwhile, is not held up either.
    const other = get('/posts');
    const [response] = await Promise.all([slow, other]);
    expect(response.status).toBe(200);
    expect(response.body).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("costs time linear in the text: 5000 characters under the report's pattern are still quick", async () => {
    const started = Date.now();
    await get(`/comments?body_like=${encodeURIComponent('(.|.)*(.|.)*(.|.)*!')}`).expect(200);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('the work of a pattern is bounded, not only its kind', () => {
  it.each([
    ['[a-z]{1000}b', 'repeats'],
    ['(?:.{30}){30}b', 'too complex'],
    ['(.*a){25}x', 'too complex'],
    ['(?:.{20})(?:.{20})(?:.{20})(?:.{20})(?:.{20})b', 'too complex'],
    ['\\pL{101}x', 'repeats'],
  ])('%s is a 400 (%s)', async (pattern, reason) => {
    const response = await get(`/comments?body_like=${encodeURIComponent(pattern)}`).expect(400);
    expect(response.body.message).toContain(reason);
  });

  it('a costly pattern over a lot of text is a 400 at once, and others are not held up', async () => {
    const big = await startAttackServer({}, { comments: Array.from({ length: 12 }, (_, index) => ({ id: index + 1, body: 'a'.repeat(100_000) })) });
    const started = Date.now();
    const [costly, other] = await Promise.all([
      big.as('anonymous', 'GET', `/comments?body_like=${encodeURIComponent('[a-z]{90}b')}`),
      big.as('anonymous', 'GET', '/comments/1'),
    ]);
    expect(costly.status).toBe(400);
    expect(costly.body.message).toContain('scan more text');
    expect(other.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1500);
    // A cheap pattern over the same text is fine.
    expect((await big.as('anonymous', 'GET', '/comments?body_like=b').expect(200)).body).toEqual([]);
  });

  it('more than 20 patterns for one field is a 400, and repeated ones count once', async () => {
    const many = Array.from({ length: 21 }, (_, index) => `body_like=p${index}`).join('&');
    await get(`/comments?${many}`).expect(400);
    await get(`/comments?${Array.from({ length: 50 }, () => 'body_like=hello').join('&')}`).expect(200);
  });

  it('a refused caller gets no pattern compiled: the 401 comes first', async () => {
    const response = await server.as('anonymous', 'POST', `/comments?body_like=${encodeURIComponent('(?=x)')}`, { body: 'x' }).expect(401);
    expect(response.body.error).toBe('invalid_token');
  });
});

describe('what RE2 cannot do in linear time is a 400 that names the construct', () => {
  it.each([
    ['^(?=alice)(.|.){0,20}!', 'lookaround'],
    ['(?!x)a', 'lookaround'],
    ['(?<=a)b', 'lookaround'],
    ['(?<!a)b', 'lookaround'],
    ['(a)\\1', 'backreferences'],
    ['(?<name>a)\\k<name>', 'backreferences'],
    ['(?<name>a)', 'named groups'],
  ])('%s', async (pattern, construct) => {
    const response = await get(`/comments?body_like=${encodeURIComponent(pattern)}`).expect(400);
    expect(response.body.error).toBe('invalid_request');
    expect(response.body.message).toContain(construct);
  });

  it.each(['(', '[a-', 'a{2,1}'])('an invalid pattern %s is a 400', async (pattern) => {
    expect((await get(`/comments?body_like=${encodeURIComponent(pattern)}`).expect(400)).body.error).toBe('invalid_request');
  });

  it('a pattern over 200 characters is a 400', async () => {
    await get(`/comments?body_like=${'a'.repeat(201)}`).expect(400);
  });

  it('is refused on a nested route and on a rewritten path too', async () => {
    await get(`/posts/1/comments?body_like=${encodeURIComponent('(?=a)')}`).expect(400);
    await get(`/api/comments?body_like=${encodeURIComponent('(?=a)')}`).expect(400);
  });
});

describe("json-server's documented _like uses still work", () => {
  const ids = async (query: string) => ((await get(`/comments?${query}`).expect(200)).body as Array<{ id: number }>).map((comment) => comment.id);

  it.each([
    ['body_like=world', [3]],
    ['body_like=WORLD', [3]],
    ['body_like=^hello', [3]],
    ['body_like=words$', [4]],
    ['body_like=%5B0-9%5D%2B', [4]],
    ['body_like=hello%7Csecond', [3, 4]],
    ['body_like=hello&body_like=second', [3, 4]],
    ['body_like=%5Cd%7B2%7D', [4]],
    ['author.name_like=zo', [3]],
    ['body_like=o&postId=1&_sort=id&_order=desc', [4, 3]],
    ['id_like=%5E3', [3]],
  ])('%s', async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });

  it('pages and counts over the filtered records', async () => {
    const response = await get('/comments?body_like=o&_page=1&_limit=1').expect(200);
    expect(response.headers['x-total-count']).toBe('2');
    expect(response.body.map((comment: { id: number }) => comment.id)).toEqual([3]);
  });
});
