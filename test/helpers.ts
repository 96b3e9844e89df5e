import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createServer, type FakeJwtApi } from '../src/app/create-server';
import type { ServerOptions } from '../src/config/options';
import { start, type StartedServer, type StartOptions } from '../src/app/start';

export const ROOT = path.join(__dirname, '..');
export const BIN = path.join(ROOT, 'bin', 'fake-jwt-api.js');

export const SAMPLE_DB = {
  posts: [
    { id: 1, title: 'first', userId: 1 },
    { id: 2, title: 'second', userId: 2 },
  ],
  comments: [{ id: 1, body: 'nice', postId: 1, userId: 2 }],
  profile: { name: 'typicode' },
};

export const SAMPLE_USERS = [
  { id: 1, email: 'admin@example.com', password: 'admin123', role: 'admin' },
  { id: 2, email: 'alice@example.com', password: 'alice123', role: 'user', name: 'Alice' },
  { id: 3, email: 'bob@example.com', password: 'bob12345' },
];

/** A temporary folder of real files, removed by `cleanup()`. */
export interface Project {
  dir: string;
  file(name: string): string;
  read(name: string): string;
  json(name: string): unknown;
  write(name: string, content: unknown): void;
  cleanup(): void;
}

export function makeProject(files: Record<string, unknown> = { 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS }): Project {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-jwt-api-test-'));
  const project: Project = {
    dir,
    file: (name) => path.join(dir, name),
    read: (name) => readFileSync(path.join(dir, name), 'utf8'),
    json: (name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as unknown,
    write: (name, content) => {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [name, content] of Object.entries(files)) project.write(name, content);
  return project;
}

/** createServer on a project's files, with the request log off. */
export function serverFor(project: Project, options: Partial<ServerOptions> = {}): Promise<FakeJwtApi> {
  return createServer({ db: project.file('db.json'), logger: false, ...options });
}

/**
 * `serve()` for a test file: start() on the db of the project `project()` names then, with `defaults`; every server
 * it started is closed after each test, and the project cleaned up.
 */
export function startedPerTest(project: () => Project, defaults: Partial<StartOptions> = {}): (options?: Partial<StartOptions>) => Promise<StartedServer> {
  const servers: StartedServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    project().cleanup();
  });
  return async (options = {}) => {
    const server = await start({ db: project().file('db.json'), ...defaults, ...options });
    servers.push(server);
    return server;
  };
}

export async function login(app: FakeJwtApi['app'], email: string, password: string): Promise<string> {
  const response = await request(app).post('/auth/login').send({ email, password }).expect(200);
  return response.body.accessToken as string;
}

/** Every file of the project, to show a failed request changed nothing on disk. */
export function snapshotFiles(project: Project, names = ['db.json', 'users.json']): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, project.read(name)]));
}

export interface CliProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  output(): string;
  stop(): Promise<number | null>;
}

/** Spawns the built command line on port 0 and waits for the banner's URL. */
export function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliProcess> {
  const child = spawn(process.execPath, [BIN, ...args, '--port', '0', '--host', '127.0.0.1'], { cwd, env: { ...process.env, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 20000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /·\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        child,
        output: () => output,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
}

/** Runs the command line to completion: for usage errors, --help, and other short runs. */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
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
