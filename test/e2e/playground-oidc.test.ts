/**
 * The playground's "Sign in with OpenID" (playground/scripts/oidc-login.js): the code flow with PKCE against the
 * server's own provider, in Debian's Chromium driven by playwright-core, as a learner clicks through it.
 */
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { launchChromium, makeProject, SAMPLE_USERS, startCli, type CliProcess, type Project } from '../support';

// Chrome reports every 4xx fetch on the console; those are the point of the page, not problems.
const EXPECTED_CONSOLE = /Failed to load resource: the server responded with a status of (400|401|403)/;

const NOTES = [
  { id: 1, text: 'alice’s note', userId: 2 },
  { id: 2, text: 'bob’s note', userId: 3 },
];
const FILES = { 'db.json': { notes: NOTES }, 'users.json': SAMPLE_USERS, 'routes.json': { '/notes': { '*': 'owner' } } };

interface Playground {
  page: Page;
  server: CliProcess;
  /** Console errors, page errors and requests that left the server's origin: none is allowed. */
  problems: string[];
  /** The bodies the page posted to the token endpoint. */
  exchanges: string[];
}

describe('the playground signs in with OpenID (code flow with PKCE), in headless chromium', () => {
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

  async function openPlayground(flags: string[] = []): Promise<Playground> {
    const project = makeProject(FILES);
    const server = await startCli(['db.json', ...flags], project.dir);
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    open.push({ context, server, project });
    const page = await context.newPage();
    const problems: string[] = [];
    const exchanges: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !EXPECTED_CONSOLE.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) problems.push(`left the server: ${request.url()}`);
      if (request.url() === `${server.url}/auth/token`) exchanges.push(`${request.headers()['content-type']}\n${request.postData()}`);
    });
    await page.goto(server.url);
    return { page, server, problems, exchanges };
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

  const openIdButton = (page: Page) => page.getByRole('button', { name: 'Sign in with OpenID' });
  const steps = (page: Page) => page.getByRole('region', { name: 'OpenID sign-in' });

  /** The button, then the provider's sign-in page, filled in as a person would. */
  async function signInAtProvider({ page, server }: Playground, email: string, password: string): Promise<void> {
    await openIdButton(page).click();
    await page.waitForURL(`${server.url}/auth/authorize?**`);
    const authorize = new URL(page.url()).searchParams;
    expect(Object.fromEntries(authorize)).toMatchObject({
      response_type: 'code',
      client_id: 'playground',
      redirect_uri: `${server.url}/`,
      scope: 'openid profile email offline_access',
      code_challenge_method: 'S256',
    });
    expect(authorize.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/`);
  }

  async function sendRequest(page: Page, method: string, requestPath: string): Promise<void> {
    const box = page.getByRole('region', { name: 'Request' });
    await box.getByLabel('Method').selectOption(method);
    await box.getByLabel('Path').fill(requestPath);
    const number = page.locator('#response-number');
    const before = Number((await number.textContent())?.slice(1) || 0);
    await box.getByRole('button', { name: 'Send' }).click();
    await expectText(number, new RegExp(`^#${before + 1}$`));
  }

  it('signs in through the login page, shows each step with the ID token checked, then reads owner-only data; ending the session kills the token', async () => {
    const playground = await openPlayground();
    const { page, server, problems, exchanges } = playground;
    await signInAtProvider(playground, 'alice@example.com', 'alice123');

    // Signed in as after a password login, and the code gone from the address bar.
    await expectText(page.locator('#who'), /^Signed in as alice@example\.com \(user, id 2\)$/);
    expect(page.url()).toBe(`${server.url}/`);
    const panel = steps(page);
    await expectText(panel, /4\. The ID token/);
    for (const mark of [
      '✓ state is the one this page sent',
      `✓ iss is discovery's issuer`,
      '✓ 200 OK',
      '✓ nonce is the one this page sent',
      "✓ aud is this page's client_id, playground",
      '✓ at_hash is the hash of the access token',
      '✓ verified with key',
    ]) {
      expect(await panel.textContent()).toContain(mark);
    }
    expect(await panel.textContent()).not.toContain('✗');
    // The ID token's claims, decoded: for this client, with the profile and email scopes' claims.
    for (const claim of ['"aud": "playground"', '"email": "alice@example.com"', '"name": "Alice"', '"at_hash": '])
      expect(await panel.textContent()).toContain(claim);

    // The exchange: form-encoded, with the verifier whose hash went to the authorization endpoint.
    expect(exchanges).toHaveLength(1);
    const [contentType, body] = exchanges[0].split('\n');
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(body))).toMatchObject({
      grant_type: 'authorization_code',
      client_id: 'playground',
      redirect_uri: `${server.url}/`,
      code_verifier: expect.stringMatching(/^[\w-]{43}$/),
    });

    // The access token serves as a password login's: alice's notes only (the owner rule), and Refresh works.
    await sendRequest(page, 'GET', '/notes');
    await expectText(page.locator('#response-status'), /^200 OK$/);
    expect(JSON.parse((await page.locator('#response-body').textContent())!)).toEqual([NOTES[0]]);
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    // An OpenID session refreshes at the token endpoint, as its client: /auth/refresh refuses a client's refresh token.
    await expectText(page.locator('#response-request'), /^POST \/auth\/token/);
    await expectText(page.locator('#response-status'), /^200 OK$/);
    const token = (await page.locator('#token-raw').textContent())!;

    // Signing out at the provider ends the session (the token dies) and its sign-in (the next one asks again).
    await page.getByRole('button', { name: 'Sign out at the provider' }).click();
    await page.waitForURL(`${server.url}/`);
    await expectText(steps(page), /Signed out at the provider/);
    const after = await fetch(`${server.url}/notes`, { headers: { Authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    await openIdButton(page).click();
    await page.waitForURL(`${server.url}/auth/authorize?**`);
    expect(await page.getByLabel('Password').isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('refuses an answer whose state is not the one it sent, and never exchanges its code', async () => {
    const playground = await openPlayground();
    const { page, server, exchanges } = playground;
    await openIdButton(page).click();
    await page.waitForURL(`${server.url}/auth/authorize?**`);
    // A forged answer, as another site could send this browser to.
    await page.goto(`${server.url}/?code=stolen&state=forged&iss=${encodeURIComponent(server.url)}`);
    await expectText(steps(page), /✗ state is the one this page sent/);
    await expectText(page.locator('#openid-error'), /Not the answer to this page’s request/);
    expect(page.url()).toBe(`${server.url}/`);
    expect(exchanges).toEqual([]);
    expect(await page.locator('#who').textContent()).toBe('Not signed in');
  });

  it('says why there is no OpenID sign-in with a shared secret (HS256)', async () => {
    const { page, problems } = await openPlayground(['--alg', 'HS256']);
    await openIdButton(page).click();
    await expectText(page.locator('#openid-note'), /no OpenID provider: it signs with a shared secret \(HS256\)/);
    expect(await openIdButton(page).isDisabled()).toBe(true);
    expect(problems).toEqual([]);
  });
});
