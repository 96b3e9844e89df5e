/**
 * The playground's "Forgot password?" and Inbox (issue 16, README "The outbox"): forgot → inbox → reset → login by
 * clicking, and the Inbox shown only to a viewer who may read the outbox. The built command line, in Debian's
 * Chromium driven by playwright-core, as a person clicks and types.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, ROOT, useCliProject } from '../support';

// Chrome reports every 4xx fetch on the console: a refused login, an outbox the viewer may not read.
const EXPECTED_CONSOLE = /Failed to load resource: the server responded with a status of (401|403)/;
const NEW_PASSWORD = 'alice-new-pass-1';

describe("the playground's Inbox, in headless chromium", () => {
  // The sample project: admin, alice and bob, their passwords in plain text, so the page offers them to use.
  const cli = useCliProject();
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The server with `flags`, and the page opened, once its own first read of the outbox (without a token) is answered. */
  async function openPlayground(flags: string[]): Promise<{ page: Page; url: string; problems: string[]; firstOutboxStatus: number }> {
    const server = await cli.start(['db.json', ...flags]);
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !EXPECTED_CONSOLE.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    const firstOutboxRead = page.waitForResponse((response) => new URL(response.url()).pathname === '/__outbox');
    await page.goto(server.url);
    return { page, url: server.url, problems, firstOutboxStatus: (await firstOutboxRead).status() };
  }

  const loginBox = (page: Page) => page.getByRole('region', { name: 'Log in' });
  const inbox = (page: Page) => page.getByRole('region', { name: 'Inbox' });
  /** Waits until the element shows the text, as a person would look again (Playwright's wait, 10 s at most). */
  const waitForText = (page: Page, selector: string, text: string | RegExp) => page.locator(selector, { hasText: text }).first().waitFor({ timeout: 10_000 });

  async function logIn(page: Page, email: string, password: string): Promise<void> {
    await loginBox(page).getByLabel('Email').fill(email);
    await loginBox(page).getByLabel('Password').fill(password);
    await loginBox(page).getByRole('button', { name: 'Log in', exact: true }).click();
  }

  async function askForResetLink(page: Page, email: string): Promise<void> {
    await loginBox(page).getByLabel('Email').fill(email);
    await loginBox(page).getByRole('button', { name: 'Forgot password?' }).click();
    await waitForText(page, '#forgot-status', 'If an account has this email, a message with a reset link is on its way.');
  }

  /** The Inbox's row of the reset mail to alice: it shows once the mail is written, after the 202. */
  const resetMailRow = (page: Page) => inbox(page).getByRole('row').filter({ hasText: 'alice@example.com' }).filter({ hasText: 'Reset your password' });

  it('takes alice from "Forgot password?" through the Inbox and the reset page to a login with the new password', async () => {
    const { page, url, problems, firstOutboxStatus } = await openPlayground(['--allow-reset']);
    expect(firstOutboxStatus).toBe(200);
    await inbox(page).waitFor();
    expect(await inbox(page).innerText()).toContain('No messages.');

    await askForResetLink(page, 'alice@example.com');
    await resetMailRow(page).waitFor({ timeout: 10_000 });
    await resetMailRow(page).getByRole('button', { name: 'Reset your password' }).click();
    await waitForText(page, '#inbox-text', 'asked to reset the password of alice@example.com');
    const link = inbox(page).getByRole('link', { name: /\/auth\/reset-password\?token=/ });
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${url}/auth/reset-password\\?token=[\\w-]{20,}$`));
    mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-output', 'playground-inbox.png') });

    // The link opens the server's own reset page, in this tab.
    await link.click();
    await page.waitForURL(/\/auth\/reset-password\?token=/);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(`${url}/`);

    // Back in the playground: the old password is refused, the new one signs alice in.
    await logIn(page, 'alice@example.com', 'alice123');
    await waitForText(page, '.response-line', 'POST /auth/login → 401 Unauthorized');
    expect(await page.locator('#who').innerText()).toBe('Not signed in');
    await logIn(page, 'alice@example.com', NEW_PASSWORD);
    await waitForText(page, '#who', /^Signed in as alice@example\.com \(user, id 2\)$/);

    // The mail is still there (the outbox is files, not this tab's memory) until someone empties it.
    await resetMailRow(page).waitFor({ timeout: 10_000 });
    await inbox(page).getByRole('button', { name: 'Empty' }).click();
    await waitForText(page, '.response-line', 'DELETE /__outbox → 204 No Content');
    await waitForText(page, '#inbox-none', 'No messages.');
    expect(await resetMailRow(page).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows the Inbox, without --allow-reset, to an admin only, and hides it again when the session ends', async () => {
    const { page, problems, firstOutboxStatus } = await openPlayground([]);
    expect(firstOutboxStatus).toBe(401);
    await askForResetLink(page, 'alice@example.com');
    await logIn(page, 'alice@example.com', 'alice123');
    await waitForText(page, '#who', /^Signed in as alice@example\.com/);
    expect(await inbox(page).isVisible()).toBe(false);
    expect(await page.locator('body').innerText()).not.toContain('Reset your password');

    // The admin sees the mail alice could not.
    await logIn(page, 'admin@example.com', 'admin123');
    await waitForText(page, '#who', /^Signed in as admin@example\.com/);
    await resetMailRow(page).waitFor({ timeout: 10_000 });

    // Logged out, the token the page still holds is refused at the outbox too: the Inbox goes, its messages with it.
    await page.getByRole('button', { name: 'Log out' }).click();
    await waitForText(page, '#who', /^Signed out/);
    await inbox(page).waitFor({ state: 'hidden', timeout: 10_000 });
    expect(await page.locator('body').innerText()).not.toContain('Reset your password');
    expect(problems).toEqual([]);
  });
});
