import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { launchChromium, makeProject, ROOT, runCli, startCli, type CliProcess, type Project } from '../support';

// The playground as a person uses it: the real command line serving `init`'s starter files (or a shop's), and
// Debian's chromium driven by playwright-core, clicking and typing. Screenshots land in test-output/, or with
// UPDATE_SCREENSHOTS=1 in docs/, where the README shows them.
const SCREENSHOTS = path.join(ROOT, process.env.UPDATE_SCREENSHOTS ? 'docs' : 'test-output');
// Chrome reports every 4xx fetch on the console; those are the point of the page, not problems.
const EXPECTED_CONSOLE = /Failed to load resource: the server responded with a status of (400|401|403)/;

interface Playground {
  page: Page;
  /** Console errors, page errors and requests that left the server's origin: none is allowed. */
  problems: string[];
  project: Project;
  server: CliProcess;
}

interface OpenOptions {
  flags?: string[];
  /** The project's files; `fake-jwt-api init`'s starter files when not given. */
  files?: Record<string, unknown>;
  viewport?: { width: number; height: number };
}

/** Someone else's data: no /posts, and the first resource is not the starter's. */
const SHOP_USERS = [
  { id: 1, email: 'admin@shop.example', password: 'admin-pass', role: 'admin', name: 'Ada Admin' },
  { id: 2, email: 'alice@shop.example', password: 'alice-pass', role: 'customer', name: 'Alice' },
  { id: 3, email: 'bob@shop.example', password: 'bob-pass-1', role: 'customer', name: 'Bob' },
];
const SHOP_ROUTES = {
  '/products': { read: 'public', write: 'admin' },
  '/orders': { read: ['owner', 'admin'], POST: 'authenticated', 'PUT PATCH DELETE': ['owner', 'admin'] },
  '/customers': { read: 'authenticated', write: 'admin' },
};
const PRODUCTS = [
  { id: 1, name: 'Espresso cup', price: 9.5, stock: 40, userId: 1 },
  { id: 2, name: 'Moka pot', price: 32, stock: 12, userId: 1 },
  { id: 3, name: 'Burr grinder', price: 89, stock: 5, userId: 1 },
  { id: 4, name: 'Filter papers', price: 4.2, stock: 300, userId: 1 },
  { id: 5, name: 'Gooseneck kettle', price: 45, stock: 8, userId: 1 },
];
const ORDERS = [
  { id: 1, customerId: 1, productId: 2, quantity: 1, status: 'shipped', userId: 2 },
  { id: 2, customerId: 2, productId: 3, quantity: 1, status: 'paid', userId: 3 },
];
const CUSTOMERS = [
  { id: 1, name: 'Alice', city: 'Lyon', userId: 2 },
  { id: 2, name: 'Bob', city: 'Porto', userId: 3 },
];
const SHOP = { 'db.json': { products: PRODUCTS, orders: ORDERS, customers: CUSTOMERS }, 'users.json': SHOP_USERS, 'routes.json': SHOP_ROUTES };

describe('the playground at GET /, in headless chromium', () => {
  let browser: Browser;
  const open: Array<{ context: BrowserContext; server: CliProcess; project: Project }> = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const { context, server, project } of open.splice(0)) {
      await context.close();
      await server.stop();
      project.cleanup();
    }
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The files (`fake-jwt-api init`'s unless given) in a fresh folder, the server on them, and the page opened. */
  async function openPlayground({ flags = [], files, viewport = { width: 1280, height: 1000 } }: OpenOptions = {}): Promise<Playground> {
    const project = makeProject(files ?? {});
    if (!files) expect((await runCli(['init', '.'], project.dir)).code).toBe(0);
    const server = await startCli(['db.json', ...flags], project.dir);
    const context = await browser.newContext({ viewport });
    open.push({ context, server, project });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !EXPECTED_CONSOLE.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) problems.push(`left the server: ${request.url()}`);
    });
    await page.goto(server.url);
    return { page, problems, project, server };
  }

  const who = (page: Page) => page.locator('#who');
  const status = (page: Page) => page.locator('#response-status');
  const responseBody = async (page: Page) => page.locator('#response-body').textContent();

  /** Does something on the page and waits until its response is on show (each one is numbered, #1, #2...). */
  async function act(page: Page, action: () => Promise<void>): Promise<void> {
    const number = page.locator('#response-number');
    const before = Number((await number.textContent())?.slice(1) || 0);
    await action();
    await expectText(number, new RegExp(`^#${before + 1}$`));
  }

  const click = (page: Page, name: string) => act(page, () => page.getByRole('button', { name, exact: true }).click());

  /** A demo account's Use button fills in its email; its password is typed, as the page never receives one. */
  async function logInAs(page: Page, email: string, password: string): Promise<void> {
    await page.getByRole('button', { name: `Use ${email}` }).click();
    const login = page.getByRole('region', { name: 'Log in' });
    expect(await login.getByLabel('Email').inputValue()).toBe(email);
    await login.getByLabel('Password').fill(password);
    await act(page, () => login.getByRole('button', { name: 'Log in', exact: true }).click());
  }

  async function sendRequest(page: Page, method: string, requestPath: string, body = ''): Promise<void> {
    const box = page.getByRole('region', { name: 'Request' });
    await box.getByLabel('Method').selectOption(method);
    await box.getByLabel('Path').fill(requestPath);
    await box.getByLabel('Body').fill(body);
    await act(page, () => box.getByRole('button', { name: 'Send' }).click());
  }

  /** Waits for a form control's value to be `expected`: the page fills some in by itself, after a request. */
  async function expectValue(locator: Locator, expected: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    let value = await locator.inputValue();
    while (value !== expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      value = await locator.inputValue();
    }
    expect(value).toBe(expected);
  }

  /** The response's status line and the top of its body are on screen, the page not scrolled. */
  async function expectResponseOnScreen(page: Page): Promise<void> {
    const { height } = page.viewportSize()!;
    expect(await page.evaluate('window.scrollY')).toBe(0);
    const statusBox = (await status(page).boundingBox())!;
    const bodyBox = (await page.locator('#response-body').boundingBox())!;
    expect(statusBox.y + statusBox.height).toBeLessThanOrEqual(height);
    // At least a few lines of the body: 100px, about six.
    expect(bodyBox.y + Math.min(bodyBox.height, 100)).toBeLessThanOrEqual(height);
  }

  /** Waits for the element's text to match, as a person would look again; fails saying what it shows instead. */
  async function expectText(locator: Locator, pattern: RegExp): Promise<void> {
    const deadline = Date.now() + 10_000;
    let shown = await locator.textContent();
    while (!pattern.test(shown ?? '') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      shown = await locator.textContent();
    }
    expect(shown).toMatch(pattern);
  }

  it('registers, logs in, reads a protected resource, meets a rule, refreshes and logs out', async () => {
    const { page, problems, project } = await openPlayground();
    expect(await page.title()).toBe('fake-jwt-api playground');
    // The resources with their rules, from the starter routes.json.
    const posts = page.getByRole('row', { name: /^\/posts / });
    expect(await posts.textContent()).toContain('public');
    expect(await page.getByRole('row', { name: /^\/profile / }).textContent()).toMatch(/authenticated.*admin/);

    // Register: signed in at once, the token decoded, and its countdown running.
    const register = page.getByRole('region', { name: 'Register' });
    await register.getByLabel('Email').fill('carol@example.com');
    await register.getByLabel('Password').fill('carol-pass-1');
    await register.getByLabel(/^Name/).fill('Carol');
    await act(page, () => register.getByRole('button', { name: 'Register' }).click());
    await expectText(who(page), /^Signed in as carol@example\.com \(user, id 3\)$/);
    expect(await page.locator('#token-claims').textContent()).toContain('"email": "carol@example.com"');
    expect(await responseBody(page)).toContain('"name": "Carol"');
    expect(await page.locator('#token-header').textContent()).toContain('"typ": "at+jwt"');
    const countdown = page.locator('#countdown');
    const before = await countdown.textContent();
    expect(before).toMatch(/^Expires in (60:00|59:[0-5]\d) /);
    // Live: it ticks every second.
    await expectText(countdown, new RegExp(`^(?!${before!.replace(/[()]/g, '\\$&')}$)`));

    // Log out, then log in with a demo account (the starter users.json has their passwords in plain text).
    await click(page, 'Log out');
    await expectText(who(page), /^Signed out/);
    await logInAs(page, 'alice@example.com', 'alice123');
    await expectText(who(page), /^Signed in as alice@example\.com \(user, id 2\)$/);

    // A protected resource: 200 with the token, 401 without.
    await click(page, '/profile');
    await expectText(status(page), /^200 OK$/);
    expect(await responseBody(page)).toContain('"name": "typicode"');
    await page.getByLabel('Send the access token').uncheck();
    await sendRequest(page, 'GET', '/profile');
    await expectText(status(page), /^401 Unauthorized$/);
    await page.getByLabel('Send the access token').check();

    // A rule: /profile is written by admins only. The 403 is shown, and nothing changed on disk.
    const dbBefore = project.read('db.json');
    await sendRequest(page, 'PUT', '/profile', '{ "name": "Alice was here" }');
    await expectText(status(page), /^403 Forbidden$/);
    expect(await responseBody(page)).toContain('"error": "forbidden"');
    expect(project.read('db.json')).toBe(dbBefore);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'playground.png'), fullPage: true });

    // Data from the API is shown as text, never run: a post whose title is markup stays a string.
    await sendRequest(page, 'POST', '/posts', JSON.stringify({ title: '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>' }));
    await expectText(status(page), /^201 Created$/);
    expect(await responseBody(page)).toContain('<img src=x');
    expect(await page.evaluate('window.pwned')).toBeUndefined();

    // Refresh: a new access token for the same session.
    const tokenBefore = await page.locator('#token-raw').textContent();
    await click(page, 'Refresh');
    await expectText(page.locator('#response-request'), /^POST \/auth\/refresh/);
    await expectText(status(page), /^200 OK$/);
    expect(await page.locator('#token-raw').textContent()).not.toBe(tokenBefore);
    await expectText(who(page), /^Signed in as alice@example\.com/);

    // Log out: the page keeps the token to show the server now refuses it.
    await click(page, 'Log out');
    await expectText(status(page), /^204 No Content$/);
    await expectText(who(page), /^Signed out \(logged out/);
    await sendRequest(page, 'GET', '/profile');
    await expectText(status(page), /^401 Unauthorized$/);
    expect(await responseBody(page)).toContain('the session has ended');

    expect(problems).toEqual([]);
  });

  it('shows a token expire, the server refuse it, and a refresh bring the session back', async () => {
    const { page, problems } = await openPlayground({ flags: ['--access-ttl', '3s'] });
    await logInAs(page, 'admin@example.com', 'admin123');
    await expectText(who(page), /^Signed in as admin@example\.com \(admin, id 1\)$/);
    // The server allows a second of clock skew: wait until the token is surely dead.
    await expectText(page.locator('#countdown'), /^Expired 0:0[2-9] /);
    await sendRequest(page, 'GET', '/db');
    await expectText(status(page), /^401 Unauthorized$/);
    expect(await responseBody(page)).toContain('expired');
    await click(page, 'Refresh');
    await expectText(page.locator('#response-request'), /^POST \/auth\/refresh/);
    await sendRequest(page, 'GET', '/db');
    await expectText(status(page), /^200 OK$/);
    expect(problems).toEqual([]);
  });

  it('refreshes through the HttpOnly cookie in --cookie mode', async () => {
    const { page, problems } = await openPlayground({ flags: ['--cookie'] });
    await logInAs(page, 'alice@example.com', 'alice123');
    await expectText(who(page), /^Signed in as alice@example\.com/);
    expect(await responseBody(page)).not.toContain('refreshToken');
    await click(page, 'Refresh');
    await expectText(page.locator('#response-request'), /^POST \/auth\/refresh/);
    await expectText(status(page), /^200 OK$/);
    await click(page, 'Log out');
    await expectText(status(page), /^204 No Content$/);
    expect(await page.getByRole('button', { name: 'Refresh' }).isDisabled()).toBe(true);
    // The cookie went with the session: a refresh sent now (as a second tab would) has nothing to refresh with.
    await sendRequest(page, 'POST', '/auth/refresh', '{}');
    await expectText(status(page), /^401 Unauthorized$/);
    expect(await responseBody(page)).toContain('"error": "invalid_grant"');
    expect(problems).toEqual([]);
  });

  it('never sends the token to another origin from the request box', async () => {
    const { page, problems } = await openPlayground();
    await logInAs(page, 'alice@example.com', 'alice123');
    const box = page.getByRole('region', { name: 'Request' });
    for (const elsewhere of ['//example.com/steal', '/\\example.com/steal']) {
      await box.getByLabel('Path').fill(elsewhere);
      await box.getByRole('button', { name: 'Send' }).click();
      await expectText(page.locator('#request-error'), /must be on this server/);
    }
    // The problems list holds any request that left the server: there was none.
    expect(problems).toEqual([]);
  });

  it('starts on the first resource of a db with other names, with a history, a curl line and the paging headers at hand', async () => {
    const { page, problems, server } = await openPlayground({ files: SHOP, viewport: { width: 1280, height: 800 } });
    expect(await page.content()).not.toContain('/posts');
    const box = page.getByRole('region', { name: 'Request' });
    // This db's first resource, and a body from its first record (public: anyone may read it) without the id and
    // the owner field, which the server sets.
    expect(await box.getByLabel('Path').inputValue()).toBe('/products');
    expect(await box.getByLabel('Method').inputValue()).toBe('GET');
    await expectValue(box.getByLabel('Body'), JSON.stringify({ name: 'Espresso cup', price: 9.5, stock: 40 }, null, 2));
    await act(page, () => box.getByRole('button', { name: 'Send' }).click());
    await expectText(status(page), /^200 OK$/);
    expect(await responseBody(page)).toContain('"name": "Moka pot"');
    await expectResponseOnScreen(page);

    await logInAs(page, 'alice@shop.example', 'alice-pass');
    await expectText(who(page), /^Signed in as alice@shop\.example \(customer, id 2\)$/);
    const token = (await page.locator('#token-raw').textContent())!;

    // An order of her own: the owner rule stamps her id on it.
    const order = `{"productId": 3, "quantity": 1, "note": "it's a gift"}`;
    await sendRequest(page, 'POST', '/orders', order);
    await expectText(status(page), /^201 Created$/);
    expect(JSON.parse((await responseBody(page))!)).toMatchObject({ productId: 3, userId: 2 });

    // Copy as curl: the box's request as one command line, with her token, quoted for a POSIX shell.
    await box.getByRole('button', { name: 'Copy as curl' }).click();
    const command = await page.getByLabel('As a curl command').inputValue();
    expect(command).toBe(
      [
        `curl -X POST '${server.url}/orders' \\`,
        `  -H 'Accept: application/json' \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -H 'Authorization: Bearer ${token}' \\`,
        `  --data-raw '{"productId": 3, "quantity": 1, "note": "it'\\''s a gift"}'`,
      ].join('\n'),
    );
    // A shell reads it back word for word (curl being a function here that prints its arguments).
    const words = execFileSync('sh', ['-c', `curl() { printf '%s\\0' "$@"; }\n${command}`])
      .toString()
      .split('\0')
      .slice(0, -1);
    expect(words).toEqual([
      '-X',
      'POST',
      `${server.url}/orders`,
      '-H',
      'Accept: application/json',
      '-H',
      'Content-Type: application/json',
      '-H',
      `Authorization: Bearer ${token}`,
      '--data-raw',
      order,
    ]);

    // The query hints add to the path, with their value selected to type over.
    await box.getByLabel('Method').selectOption('GET');
    await box.getByLabel('Path').fill('/products');
    await box.getByRole('button', { name: '_page', exact: true }).click();
    await box.getByRole('button', { name: '_limit', exact: true }).click();
    await page.keyboard.type('2');
    expect(await box.getByLabel('Path').inputValue()).toBe('/products?_page=1&_limit=2');
    await act(page, () => box.getByRole('button', { name: 'Send' }).click());
    // The paging headers show without opening the header list, and the Link header's pages are one click away.
    const strip = page.locator('#response-strip');
    await expectText(strip, /X-Total-Count: 5/);
    expect(await strip.textContent()).toMatch(/Link: first.*next.*last/);
    await act(page, () => strip.getByRole('button', { name: 'next' }).click());
    await expectText(page.locator('#response-request'), /^GET \/products\?_page=2&_limit=2 \(with token\)$/);
    expect(await responseBody(page)).toContain('Filter papers');
    // And why a 401 was given.
    await page.getByLabel('Send the access token').uncheck();
    await sendRequest(page, 'GET', '/customers');
    await expectText(status(page), /^401 Unauthorized$/);
    expect(await strip.textContent()).toMatch(/WWW-Authenticate: Bearer/);

    // The history: newest first, one entry a request of the box (the login is not kept: it held a password).
    const history = page.getByRole('region', { name: 'History' });
    const entries = history.getByRole('listitem');
    expect(await entries.allTextContents()).toEqual([
      expect.stringMatching(/^#6GET \/customers401\d+ ms/),
      expect.stringMatching(/^#5GET \/products\?_page=2&_limit=2200/),
      expect.stringMatching(/^#4GET \/products\?_page=1&_limit=2200/),
      expect.stringMatching(/^#3POST \/orders201/),
      expect.stringMatching(/^#1GET \/products200/),
    ]);
    // Re-run puts the request back in the box, body and token box included, and sends it again.
    await act(page, () => history.getByRole('button', { name: 'Re-run #3' }).click());
    await expectText(page.locator('#response-request'), /^POST \/orders \(with token\)$/);
    await expectText(status(page), /^201 Created$/);
    expect(JSON.parse((await responseBody(page))!)).toMatchObject({ id: 4, note: "it's a gift", userId: 2 });
    expect(await box.getByLabel('Body').inputValue()).toBe(order);
    expect(await entries.first().textContent()).toMatch(/^#7POST \/orders201/);

    // For the README: the paged list again, its curl line, on this db, at 1280x800 with nothing scrolled.
    await act(page, () => history.getByRole('button', { name: 'Re-run #4' }).click());
    await expectText(strip, /X-Total-Count: 5/);
    await box.getByRole('button', { name: 'Copy as curl' }).click();
    expect(await page.getByLabel('As a curl command').inputValue()).toBe(
      `curl '${server.url}/products?_page=1&_limit=2' \\\n  -H 'Accept: application/json' \\\n  -H 'Authorization: Bearer ${token}'`,
    );
    await page.locator('#curl-button').blur();
    await expectResponseOnScreen(page);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'playground-shop.png') });
    expect(problems).toEqual([]);
  });

  it('makes the sample body of a resource that is not public with the token of whoever signs in', async () => {
    const { page, problems } = await openPlayground({ files: { ...SHOP, 'db.json': { orders: ORDERS, products: PRODUCTS } } });
    // The page's own reads of a sample record, with the token each carried.
    const sampleReads: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/orders?_limit=1')) sampleReads.push(request.headers().authorization ?? 'no token');
    });
    const box = page.getByRole('region', { name: 'Request' });
    const body = box.getByLabel('Body');
    expect(await box.getByLabel('Path').inputValue()).toBe('/orders');
    // Signed out, the page shows nothing of the orders, not even their field names.
    expect(await body.inputValue()).toBe('');
    expect(await body.getAttribute('placeholder')).toMatch(/^Log in/);
    expect(await page.content()).not.toMatch(/customerId|shipped/);

    // Each account gets a record of its own, read with its own token.
    await logInAs(page, 'bob@shop.example', 'bob-pass-1');
    await expectValue(body, JSON.stringify({ customerId: 2, productId: 3, quantity: 1, status: 'paid' }, null, 2));
    await click(page, 'Log out');
    await logInAs(page, 'alice@shop.example', 'alice-pass');
    await expectValue(body, JSON.stringify({ customerId: 1, productId: 2, quantity: 1, status: 'shipped' }, null, 2));

    const [bobs, alices] = sampleReads;
    expect(sampleReads).toHaveLength(2);
    expect(bobs).toMatch(/^Bearer /);
    expect(alices).toMatch(/^Bearer /);
    expect(alices).not.toBe(bobs);

    // A body one wrote stays, whoever signs in next: the page does not even read another sample.
    await body.fill('{ "quantity": 2 }');
    await click(page, 'Log out');
    await logInAs(page, 'bob@shop.example', 'bob-pass-1');
    await sendRequest(page, 'GET', '/products', '{ "quantity": 2 }');
    expect(await body.inputValue()).toBe('{ "quantity": 2 }');
    expect(sampleReads).toHaveLength(2);
    expect(problems).toEqual([]);
  });

  // ---- The token's key, and its signature checked in the browser against the JWKS (Web Crypto).

  const tokenKey = (page: Page) => page.locator('#token-key');
  const verifiedMark = (page: Page) => page.locator('#token-verified');
  const headerOf = (token: string) => jwt.decode(token, { complete: true })!.header;
  const shownToken = async (page: Page) => (await page.locator('#token-raw').textContent())!;
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  describe.each(['RS256', 'ES256', 'EdDSA'])('--alg %s', (alg) => {
    it("shows the token's alg and kid, and verifies its signature against the JWKS, in the browser", async () => {
      const { page, problems, server } = await openPlayground({ flags: ['--alg', alg] });
      const jwksReads: string[] = [];
      page.on('request', (request) => void (request.url().endsWith('/.well-known/jwks.json') && jwksReads.push(request.url())));
      await logInAs(page, 'alice@example.com', 'alice123');
      const { kid } = headerOf(await shownToken(page));
      expect(kid).toEqual(expect.any(String));
      await expectText(tokenKey(page), new RegExp(`^Signed with ${alg}, key ${escaped(kid!)}$`));
      // Chromium checks Ed25519 since version 137; an older one says it cannot, rather than a false mark.
      const ed25519 = await page.evaluate(() =>
        crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign']).then(
          () => true,
          () => false,
        ),
      );
      const expected =
        alg === 'EdDSA' && !ed25519
          ? /^this browser cannot check EdDSA/
          : new RegExp(`^✓ verified with key ${escaped(kid!)}, from ${escaped('/.well-known/jwks.json')}`);
      await expectText(verifiedMark(page), expected);
      expect(jwksReads).toEqual([`${server.url}/.well-known/jwks.json`]);
      // A refreshed token is checked again.
      await click(page, 'Refresh');
      await expectText(page.locator('#response-request'), /^POST \/auth\/refresh/);
      await expectText(verifiedMark(page), expected);
      // The links open the published documents.
      expect(await page.getByRole('link', { name: 'JWKS' }).getAttribute('href')).toBe('/.well-known/jwks.json');
      expect(await page.getByRole('link', { name: 'discovery' }).getAttribute('href')).toBe('/.well-known/openid-configuration');
      expect(problems).toEqual([]);
    });
  });

  it('says only the server can check an HS256 token', async () => {
    const { page, problems } = await openPlayground({ flags: ['--alg', 'HS256'] });
    await logInAs(page, 'alice@example.com', 'alice123');
    await expectText(tokenKey(page), /^Signed with HS256, no kid \(one shared secret\)$/);
    await expectText(verifiedMark(page), /^HS256: only the server can check a shared-secret signature$/);
    expect(problems).toEqual([]);
  });

  it('marks a token as not verified when its signature, payload, kid or alg was changed, or the JWKS holds another key', async () => {
    const { page, problems } = await openPlayground({ flags: ['--alg', 'RS256'] });
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString());
    // The page only ever holds tokens the server gave it: the login's answer is changed on its way to the page.
    let tamper = (token: string) => token;
    await page.route('**/auth/login', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, accessToken: tamper(body.accessToken) } });
    });
    let otherKeyUnderOurKid = false;
    await page.route('**/.well-known/jwks.json', async (route) => {
      const response = await route.fetch();
      const { keys } = await response.json();
      if (!otherKeyUnderOurKid) return route.fulfill({ response, json: { keys } });
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
      await route.fulfill({ response, json: { keys: keys.map((key: { kid: string }) => ({ ...key, ...other })) } });
    });
    const cases: Array<[string, (token: string) => string, RegExp]> = [
      ['as issued', (token) => token, /^✓ verified with key /],
      [
        'a signature changed',
        // The signature's tenth character: a whole byte of it, not the padding bits of its last character.
        (token) => token.replace(/\.([^.]{9})([^.])([^.]*)$/, (_, before, char, after) => `.${before}${char === 'A' ? 'B' : 'A'}${after}`),
        /^✗ not verified: the signature does not match/,
      ],
      [
        'a claim changed',
        (token) => {
          const [header, payload, signature] = token.split('.');
          return [header, encode({ ...decode(payload), role: 'admin' }), signature].join('.');
        },
        /^✗ not verified: the signature does not match/,
      ],
      [
        'an unknown kid',
        (token) => {
          const [header, ...rest] = token.split('.');
          return [encode({ ...decode(header), kid: 'not-one-of-ours' }), ...rest].join('.');
        },
        /^✗ not verified: \/\.well-known\/jwks\.json holds no key not-one-of-ours$/,
      ],
      [
        'HS256 with our kid (algorithm confusion)',
        (token) => {
          const [header, ...rest] = token.split('.');
          return [encode({ ...decode(header), alg: 'HS256' }), ...rest].join('.');
        },
        /^✗ not verified: the token says HS256, but the key .+ is for RS256$/,
      ],
      [
        'alg none',
        (token) => {
          const [header, payload] = token.split('.');
          return [encode({ ...decode(header), alg: 'none' }), payload, ''].join('.');
        },
        /^✗ not verified: the token says none, but the key .+ is for RS256$/,
      ],
      [
        'no kid',
        (token) => {
          const [header, ...rest] = token.split('.');
          const { kid: _kid, ...withoutKid } = decode(header);
          return [encode(withoutKid), ...rest].join('.');
        },
        /^✗ not verified: the token names no key \(no kid\)$/,
      ],
    ];
    for (const [name, change, expected] of cases) {
      tamper = change;
      await logInAs(page, 'alice@example.com', 'alice123');
      await expectText(verifiedMark(page), expected);
      expect({ name, mark: await verifiedMark(page).getAttribute('class') }).toEqual({ name, mark: name === 'as issued' ? 'verified' : 'refused' });
    }
    // The token as issued, but the JWKS publishes another public key under its kid.
    tamper = (token) => token;
    otherKeyUnderOurKid = true;
    await logInAs(page, 'alice@example.com', 'alice123');
    await expectText(verifiedMark(page), /^✗ not verified: the signature does not match/);
    expect(problems).toEqual([]);
  });
});
