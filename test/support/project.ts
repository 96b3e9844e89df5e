import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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

/** The SAMPLE_USERS accounts by caller name, for login tables. */
export const SAMPLE_LOGINS = {
  admin: { email: 'admin@example.com', password: 'admin123' },
  alice: { email: 'alice@example.com', password: 'alice123' },
  bob: { email: 'bob@example.com', password: 'bob12345' },
};

export type ProjectFiles = Record<string, unknown>;
export const SAMPLE_FILES: ProjectFiles = { 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS };

/** A temporary folder of real files, removed by `cleanup()`. */
export interface Project {
  readonly dir: string;
  file(name: string): string;
  read(name: string): string;
  json(name: string): unknown;
  write(name: string, content: unknown): void;
  cleanup(): void;
}

/** Writes `files` (JSON unless a string) into a new temporary folder; the caller removes it with cleanup(). */
export function makeProject(files: ProjectFiles = SAMPLE_FILES): Project {
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

/**
 * A Project that always means the current one of `current()`: a test file holds one constant while each test (or
 * the file) gets a folder of its own.
 */
export function liveProject(current: () => Project | undefined): Project {
  const now = (): Project => {
    const project = current();
    if (!project) throw new Error('the test project exists only inside a test or a before/after hook');
    return project;
  };
  return {
    get dir() {
      return now().dir;
    },
    file: (name) => now().file(name),
    read: (name) => now().read(name),
    json: (name) => now().json(name),
    write: (name, content) => now().write(name, content),
    cleanup: () => now().cleanup(),
  };
}

export type Scope = 'each' | 'file';

/**
 * A fresh project for each test (or one for the whole file, `scope: 'file'`), always removed after it. For tests that
 * start servers on it, useServer() owns the project instead, so that servers close before their folder goes.
 */
export function useProject(files: ProjectFiles = SAMPLE_FILES, scope: Scope = 'each'): Project {
  let current: Project | undefined;
  const [before, after] = scope === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(() => {
    current = makeProject(files);
  });
  after(() => {
    current?.cleanup();
    current = undefined;
  });
  return liveProject(() => current);
}

/** Every file of the project, to show a failed request changed nothing on disk. */
export function snapshotFiles(project: Project, names = ['db.json', 'users.json']): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, project.read(name)]));
}

/** Every file under the project folder (a git repository's .git aside), with its bytes: what a failed start must leave as it was. */
export function everyFile(project: Project): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) walk(full);
      else files[path.relative(project.dir, full)] = readFileSync(full, 'latin1');
    }
  };
  walk(project.dir);
  return files;
}
