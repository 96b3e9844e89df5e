import { createServer, type FakeJwtApi } from '../../src/app/create-server';
import type { ServerOptions } from '../../src/config/options';
import { start, type StartedServer, type StartOptions } from '../../src/app/start';
import { liveProject, makeProject, SAMPLE_FILES, type Project, type ProjectFiles, type Scope } from './project';

/** createServer on a project's files, with the request log off. The caller closes it: prefer useServer(). */
export function serverFor(project: Project, options: Partial<ServerOptions> = {}): Promise<FakeJwtApi> {
  return createServer({ db: project.file('db.json'), logger: false, ...options });
}

export interface ServerHarness {
  /** The project of the current test (or of the file, with `scope: 'file'`). */
  readonly project: Project;
  /** createServer on the project's db.json (the request log off), with the defaults and then `options`. */
  serve(options?: Partial<ServerOptions>): Promise<FakeJwtApi>;
  /** start() on a real port on 127.0.0.1, for requests a socket must carry (Host, Origin, raw paths). */
  listen(options?: Partial<StartOptions>): Promise<StartedServer>;
}

export interface UseServerOptions {
  /** The files of the project; SAMPLE_FILES unless given. */
  files?: ProjectFiles;
  /** Options every server of the file starts with. */
  defaults?: Partial<ServerOptions>;
  /** 'each' (default): a new project per test. 'file': one project for the whole file. */
  scope?: Scope;
}

export interface Closable {
  close(): Promise<void>;
}

/** Makes close() safe to call twice, so that a test may stop a server itself and the harness still closes the rest. */
function closingOnce<T extends Closable>(resource: T): T {
  const close = resource.close.bind(resource);
  let closing: Promise<void> | undefined;
  resource.close = () => (closing ??= close());
  return resource;
}

/**
 * Registers hooks that close what `track()` is given: what a test opens, after that test; what beforeAll opens, after
 * the file (beforeAll has no current test name). `finish` runs once they are closed: removing their folder, say.
 */
export function useCleanup(finish: { afterEach?(): void; afterAll?(): void } = {}): <T extends Closable>(resource: T) => T {
  const perTest: Closable[] = [];
  const perFile: Closable[] = [];
  const closeAll = async (resources: Closable[]) => {
    for (const resource of resources.splice(0).reverse()) await resource.close();
  };
  afterEach(async () => {
    await closeAll(perTest);
    finish.afterEach?.();
  });
  afterAll(async () => {
    await closeAll(perFile);
    finish.afterAll?.();
  });
  return (resource) => {
    (expect.getState().currentTestName === undefined ? perFile : perTest).push(closingOnce(resource));
    return resource;
  };
}

/**
 * Servers for a test file that are always closed and whose project is always removed: a server started inside a
 * test is closed after that test, one started in beforeAll after the file; the project goes last, once every change
 * is on disk.
 */
export function useServer({ files = SAMPLE_FILES, defaults = {}, scope = 'each' }: UseServerOptions = {}): ServerHarness {
  let current: Project | undefined;
  const remove = () => {
    current?.cleanup();
    current = undefined;
  };
  if (scope === 'each') beforeEach(() => (current = makeProject(files)));
  else beforeAll(() => (current = makeProject(files)));
  const track = useCleanup(scope === 'each' ? { afterEach: remove } : { afterAll: remove });

  const project = liveProject(() => current);
  return {
    project,
    serve: async (options = {}) => track(await createServer({ db: project.file('db.json'), logger: false, ...defaults, ...options })),
    listen: async (options = {}) => track(await start({ db: project.file('db.json'), ...defaults, ...options })),
  };
}

/**
 * For tests whose files differ from test to test: `project(files)` makes a project removed after the test, and
 * `open(project, options)` starts a server on it that is closed before its folder goes.
 */
export function useOwnProjects(): { project(files?: ProjectFiles): Project; open(project: Project, options?: Partial<ServerOptions>): Promise<FakeJwtApi> } {
  const track = useCleanup();
  return {
    project(files) {
      const made = makeProject(files);
      track({ close: async () => made.cleanup() });
      return made;
    },
    open: async (project, options = {}) => track(await serverFor(project, options)),
  };
}
