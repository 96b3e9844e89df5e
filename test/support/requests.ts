import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';

/** What supertest can send to: the app in-process, or the base URL of a server on a real port. */
export type Target = FakeJwtApi['app'] | string;

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  user: { id: number; email: string; role?: string; [field: string]: unknown };
}

/** POST /auth/login, which must answer 200; the whole answer, refresh token included. */
export async function loginPair(target: Target, email: string, password: string): Promise<AuthResult> {
  return (await request(target).post('/auth/login').send({ email, password }).expect(200)).body as AuthResult;
}

/** POST /auth/login, which must answer 200; the access token. */
export async function login(target: Target, email: string, password: string): Promise<string> {
  return (await loginPair(target, email, password)).accessToken;
}

/** Logs each named account in once: `{ alice: { email, password } }` gives `{ alice: token }`. */
export async function loginAll<Name extends string>(
  target: Target,
  accounts: Record<Name, { email: string; password: string }>,
): Promise<Record<Name, string>> {
  const tokens = {} as Record<Name, string>;
  for (const [name, { email, password }] of Object.entries(accounts) as Array<[Name, { email: string; password: string }]>) {
    tokens[name] = await login(target, email, password);
  }
  return tokens;
}

/** One request as the holder of `token` (anonymous without one); `body` is sent when given. */
export function requestAs(target: Target, token: string | undefined, method: string, url: string, body?: unknown): request.Test {
  const test = request(target)[method.toLowerCase() as 'get'](url);
  if (token !== undefined) test.set('Authorization', `Bearer ${token}`);
  return body === undefined ? test : test.send(body as object);
}

/**
 * `as(target, caller, method, url, body?)` for callers logged in once, by name; 'anonymous' sends no token. `tokens`
 * is read at each request, so it may be filled in a beforeAll.
 */
export function callersOf<Name extends string>(tokens: Partial<Record<Name, string>>) {
  return (target: Target | { app: FakeJwtApi['app'] }, caller: Name | 'anonymous', method: string, url: string, body?: unknown): request.Test => {
    const token = caller === 'anonymous' ? undefined : tokens[caller];
    if (caller !== 'anonymous' && token === undefined) throw new Error(`${caller} has not logged in`);
    return requestAs(typeof target === 'object' && 'app' in target ? target.app : target, token, method, url, body);
  };
}

/** fetch with a JSON body and an optional token, for tests against a real port. */
export async function call(url: string, method: string, body?: unknown, token?: string): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Asks `probe` every `everyMs` until `done` says yes, at most `attempts` times; returns the last answer. */
export async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, attempts = 50, everyMs = 100): Promise<T> {
  let value = await probe();
  for (let attempt = 1; attempt < attempts && !done(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    value = await probe();
  }
  return value;
}
