/**
 * Playwright global setup for an app that logs in with POST /auth/login and keeps the access token in localStorage:
 * logs in once over HTTP (no page, no login form) and saves a storage state that every test starts from.
 * playwright.config.ts: `globalSetup: './password-login.setup.ts'`, `use: { baseURL: <the app>, storageState: <a path> }`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { request, type FullConfig } from '@playwright/test';

/** What POST /auth/login answers (README "HTTP API"); in --cookie mode refreshToken is in a cookie instead. */
export interface LoginAnswer {
  accessToken: string;
  refreshToken?: string;
  user: { id: number; email: string };
}

export interface SignedInState {
  /** The fake-jwt-api server, e.g. http://localhost:3001. */
  api: string;
  /** The app's origin: its localStorage gets the token. */
  app: string;
  email: string;
  password: string;
  /** Where to write the storage state (the config's `use.storageState`). */
  file: string;
  /** The localStorage entries your app reads at start; by default the access token as `accessToken`. */
  localStorage?: (login: LoginAnswer) => Record<string, string>;
}

export async function saveSignedInState({ api, app, email, password, file, localStorage = (login) => ({ accessToken: login.accessToken }) }: SignedInState) {
  const context = await request.newContext({ baseURL: api });
  try {
    const response = await context.post('/auth/login', { data: { email, password } });
    if (!response.ok()) throw new Error(`POST ${api}/auth/login as ${email} answered ${response.status()}: ${await response.text()}`);
    const login = (await response.json()) as LoginAnswer;
    // The request context's cookies come along: in --cookie mode, the refresh cookie lets the app refresh.
    const state = await context.storageState();
    const entries = Object.entries(localStorage(login)).map(([name, value]) => ({ name, value }));
    state.origins.push({ origin: new URL(app).origin, localStorage: entries });
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(state, null, 2));
  } finally {
    await context.dispose();
  }
}

export default async function globalSetup(config: FullConfig) {
  const { baseURL, storageState } = config.projects[0].use;
  await saveSignedInState({
    api: process.env.API_URL ?? 'http://localhost:3001',
    app: baseURL!,
    email: 'alice@example.com',
    password: 'alice123',
    file: storageState as string,
  });
}
