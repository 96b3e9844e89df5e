/**
 * README "OpenAPI and typed clients": GET /docs, Swagger UI over /openapi.json, in Debian's Chromium driven by
 * playwright-core, on `fake-jwt-api init`'s starter files. It renders the API from the package's own files (nothing
 * leaves the machine, nothing breaks its CSP), takes a token handed over in the fragment, and "try it" runs as that
 * account; the playground's link hands over its session's token. The screenshot lands in test-output/, or with
 * UPDATE_SCREENSHOTS=1 in docs/, where the README shows it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, login, ROOT, runCli, useCliProject, type CliProcess } from '../support';

const SCREENSHOTS = path.join(ROOT, process.env.UPDATE_SCREENSHOTS ? 'docs' : 'test-output');
const ALICE = { email: 'alice@example.com', password: 'alice123' }; // init's starter account
// Chrome reports every 4xx fetch on the console: the 401 of a "try it" without a token is the point, not a problem.
const EXPECTED_CONSOLE = /Failed to load resource: the server responded with a status of 401/;

/** What the tabs of a test's browser did: everything, from each tab's first request. */
interface Watched {
  /** Console errors and warnings, page errors: none is allowed. */
  problems: string[];
  /** Every URL a tab asked for (documents, scripts, styles, images, fetches). */
  requested: string[];
}

describe('the API reference at GET /docs, in headless chromium', () => {
  const cli = useCliProject({});
  let browser: Browser;
  let context: BrowserContext | undefined;
  let server: CliProcess;
  let watched: Watched;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  beforeEach(async () => {
    expect((await runCli(['init', '.'], cli.project.dir)).code).toBe(0);
    server = await cli.start([]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    watched = { problems: [], requested: [] };
    // Every tab, the ones a test opens and the one a link opens, from before its first request.
    context.on('page', (page) => watch(page, watched));
    // A CSP violation is also an event in the page: collected from before its first script runs.
    await context.addInitScript(() => {
      const seen: string[] = ((window as any).cspViolations = []);
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective}: ${event.blockedURI}`));
    });
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });

  function watch(page: Page, { problems, requested }: Watched): void {
    page.on('console', (message) => {
      if (['error', 'warning'].includes(message.type()) && !EXPECTED_CONSOLE.test(message.text()))
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => requested.push(request.url()));
  }

  /** Opens a URL of the server in a new tab and waits until Swagger UI has rendered the document's operations. */
  async function openDocs(pathAndFragment: string): Promise<Page> {
    const page = await context!.newPage();
    await page.goto(`${server.url}${pathAndFragment}`);
    await rendered(page);
    return page;
  }

  const rendered = (page: Page) => page.locator('.opblock').first().waitFor({ timeout: 20_000 });
  const operation = (page: Page, tag: string, operationId: string) => page.locator(`#operations-${tag}-${operationId}`);

  /** Every tab so far: no problem, no CSP violation, and not one request to another origin. */
  async function expectClean(): Promise<void> {
    for (const page of context!.pages()) {
      const violations = await page.evaluate(() => (window as any).cspViolations as string[]);
      watched.problems.push(...violations.map((violation) => `CSP violation at ${page.url()}: ${violation}`));
    }
    expect(watched.problems).toEqual([]);
    expect(watched.requested.length).toBeGreaterThan(0);
    expect(watched.requested.filter((url) => !url.startsWith(`${server.url}/`))).toEqual([]);
  }

  /** Expands an operation and runs it with "Execute" (try it out is on from the start); the status the page shows. */
  async function tryIt(block: Locator): Promise<{ status: string; body: string }> {
    await block.locator('.opblock-summary').click();
    await block.locator('button.execute').click();
    const response = block.locator('.live-responses-table .response');
    await response.first().waitFor({ timeout: 10_000 });
    return {
      status: (await response.locator('.response-col_status').innerText()).trim(),
      body: await response.locator('.response-col_description pre').first().innerText(),
    };
  }

  const authorizeButton = (page: Page) => page.locator('.scheme-container button.authorize');

  it('renders the API from this server alone: the title, the resources, the auth API; no CSP violation, nothing to another origin', async () => {
    const page = await openDocs('/docs');
    expect(await page.title()).toBe('API reference · fake-jwt-api');
    expect(await page.locator('.information-container .title').innerText()).toMatch(/^db\.json · fake-jwt-api/);
    const tags = await page
      .locator('.opblock-tag-section h3.opblock-tag')
      .evaluateAll((headings) => headings.map((heading) => heading.getAttribute('data-tag')));
    expect(tags).toEqual(expect.arrayContaining(['posts', 'comments', 'profile', 'auth', 'account']));
    const authPaths = await page.locator('.opblock-tag-section:has(h3[data-tag="auth"]) .opblock-summary-path').allInnerTexts();
    expect(authPaths.map((text) => text.replace(/\u200b/g, ''))).toEqual(
      expect.arrayContaining(['/auth/register', '/auth/login', '/auth/refresh', '/auth/logout']),
    );
    expect(await operation(page, 'account', 'getMe').locator('.opblock-summary-path').innerText()).toBe('/auth/me');
    // The starter's rules, in the document: /profile needs a token (a lock), /posts is read by anyone (none).
    expect(await operation(page, 'profile', 'getProfile').locator('.authorization__btn').count()).toBe(1);
    expect(await operation(page, 'posts', 'listPosts').locator('.authorization__btn').count()).toBe(0);
    expect(await authorizeButton(page).getAttribute('class')).toContain('unlocked');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'openapi-docs.png') });
    await expectClean();
  });

  it('takes a token from /docs#token=…, drops it from the address bar, and "try it" on GET /auth/me runs as its account', async () => {
    // Without a token, the same call is refused: the 200 below is the handed token's doing.
    const anonymous = await openDocs('/docs');
    expect(await tryIt(operation(anonymous, 'account', 'getMe'))).toMatchObject({ status: '401' });

    const token = await login(server.url, ALICE.email, ALICE.password);
    const page = await openDocs(`/docs#token=${token}`);
    expect(page.url()).toBe(`${server.url}/docs`);
    expect(await authorizeButton(page).getAttribute('class')).toMatch(/\blocked\b/);
    const sent = page.waitForRequest((request) => request.url() === `${server.url}/auth/me`);
    const me = await tryIt(operation(page, 'account', 'getMe'));
    expect((await sent).headers().authorization).toBe(`Bearer ${token}`);
    expect(me.status).toBe('200');
    expect(JSON.parse(me.body)).toMatchObject({ email: ALICE.email });
    // The token went nowhere but in the Authorization header: no URL the page asked for holds it.
    expect(watched.requested.filter((url) => url.includes(token))).toEqual([]);
    await expectClean();
  });

  it("the playground's link opens /docs, signed in with the playground's token when it holds one", async () => {
    const playground = await context!.newPage();
    await playground.goto(server.url);
    const link = playground.getByRole('link', { name: 'API reference (/docs)' });
    expect(await link.getAttribute('href')).toBe('/docs');

    await playground.getByRole('button', { name: `Use ${ALICE.email}`, exact: true }).click();
    const loginBox = playground.getByRole('region', { name: 'Log in' });
    await loginBox.getByLabel('Password').fill(ALICE.password);
    await loginBox.getByRole('button', { name: 'Log in', exact: true }).click();
    await playground
      .locator('#who')
      .filter({ hasText: /^Signed in as alice@example\.com/ })
      .waitFor();
    const token = await playground.locator('#token-raw').textContent();
    expect(await link.getAttribute('href')).toBe(`/docs#token=${token}`);

    const [opened] = await Promise.all([context!.waitForEvent('page'), link.click()]);
    await rendered(opened);
    expect(opened.url()).toBe(`${server.url}/docs`);
    expect(await authorizeButton(opened).getAttribute('class')).toMatch(/\blocked\b/);
    const me = await tryIt(operation(opened, 'account', 'getMe'));
    expect(me.status).toBe('200');
    expect(JSON.parse(me.body)).toMatchObject({ email: ALICE.email });

    // Logged out, the link is a plain one again: a token the server refuses now is not handed over.
    await playground.getByRole('button', { name: 'Log out' }).click();
    await playground
      .locator('#who')
      .filter({ hasText: /^Signed out/ })
      .waitFor();
    expect(await link.getAttribute('href')).toBe('/docs');
    await expectClean();
  });
});
