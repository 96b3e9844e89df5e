import { existsSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { RequestHandler } from 'express';
import { ConfigError, RuntimeError } from '../../errors';
import { listenFirst } from '../../http/listen-first';
import { ANY_ORIGIN } from '../../http/origins';
import { createServer, type FakeJwtApi } from '../../app/create-server';
import type { ServerOptions } from '../../config/options';
import { isScriptSource } from '../../json-server/database';
import { parseJson } from '../../files/json-file';
import { toJsonText } from '../../files/atomic';
import { renderBanner } from '../banner';
import type { ServeFlags } from '../program';
import { refuseUnlikelyNewDb, withStarterFiles } from '../new-db';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function loadMiddlewares(files: readonly string[]): RequestHandler[] {
  return files.map((file) => {
    let exported: unknown;
    try {
      exported = require(path.resolve(file)) as unknown;
    } catch (error) {
      throw new ConfigError(`${file}: the middleware failed to load (${(error as Error).message})`);
    }
    if (typeof exported !== 'function') throw new ConfigError(`${file}: a middleware file must export a function (req, res, next) => { ... }`);
    return exported as RequestHandler;
  });
}

/** `s + enter` writes the data to db-<timestamp>.json in the snapshots folder, as json-server does. */
function listenForSnapshots(current: () => FakeJwtApi, folder: string, log: (line: string) => void): void {
  if (!process.stdin.readable) return;
  process.stdin.setEncoding('utf8');
  process.stdin.on('error', () => undefined);
  process.stdin.on('data', (chunk: string) => {
    if (chunk.trim().toLowerCase() !== 's') return;
    const file = path.join(folder, `db-${Date.now()}.json`);
    writeFileSync(file, toJsonText(current().database.persistedState()));
    log(`  Saved snapshot to ${path.relative(process.cwd(), file)}`);
  });
  process.stdin.unref?.();
}

/**
 * --watch: json-server rebuilds its app when db.json or the routes file changes on disk. We do the same, but
 * only when the content really differs from what the server holds (its own writes also touch the file).
 */
function watchFiles(files: string[], onChange: (file: string) => void): FSWatcher[] {
  const timers = new Map<string, NodeJS.Timeout>();
  const folders = [...new Set(files.map((file) => path.dirname(file)))];
  return folders.map((folder) =>
    watch(folder, (_event, name) => {
      if (!name) return;
      const file = path.join(folder, name.toString());
      if (!files.includes(file)) return;
      clearTimeout(timers.get(file));
      timers.set(file, setTimeout(() => onChange(file), 100));
    }),
  );
}

export async function serve(db: string, flags: ServeFlags): Promise<RunningServer> {
  const log = flags.quiet ? () => undefined : (line: string) => console.log(line);
  const dbFile = path.resolve(db);
  const isNew = !existsSync(dbFile);
  if (isNew) refuseUnlikelyNewDb(db); // a typo of an existing file's name, or a missing script
  const serverOptions: ServerOptions = {
    db: dbFile,
    users: flags.users,
    stateDir: flags.stateDir,
    routes: flags.routes,
    static: flags.static === undefined ? undefined : path.resolve(flags.static),
    readOnly: flags.readOnly,
    cors: flags.cors,
    gzip: flags.gzip,
    delay: flags.delay,
    id: flags.id,
    foreignKeySuffix: flags.foreignKeySuffix,
    logger: !flags.quiet,
    middlewares: loadMiddlewares(flags.middlewares ?? []),
    secret: flags.secret,
    accessTtl: flags.accessTtl,
    refreshTtl: flags.refreshTtl,
    sessionTtl: flags.sessionTtl,
    singleSession: flags.singleSession,
    cookie: flags.cookie,
    cookieSecure: flags.cookieSecure,
    cookieSameSite: flags.cookieSameSite,
    corsOrigins: flags.corsOrigin,
    // The name the server was told to listen on is one it answers to (a --host of an address is answered anyway).
    allowedHosts: [...(flags.allowedHost ?? []), flags.host],
    issuer: flags.issuer,
    audience: flags.audience,
    defaultAccess: flags.defaultAccess,
    passwordMinLength: flags.passwordMinLength,
    defaultRole: flags.defaultRole,
    keepExternalEdits: Boolean(flags.watch),
    watchUsers: true,
    allowReset: flags.allowReset,
    publicEmails: flags.publicEmails,
  };
  if (!existsSync(flags.snapshots)) throw new ConfigError(`--snapshots: the folder ${flags.snapshots} does not exist`);

  let api!: FakeJwtApi;
  let created: string[] = [];
  // The port first, then the starter files and the app: a start that fails leaves the folder as it was.
  const listening = await listenFirst(flags.port, flags.host, (req, res) => api.app(req, res), async () => {
    created = await withStarterFiles(isNew ? dbFile : undefined, async () => {
      api = await createServer(serverOptions);
    });
  });
  const { url } = listening;
  log(
    renderBanner({
      url,
      description: api.describe(),
      usersFile: api.accounts.name,
      demoAccounts: api.accounts.demoAccounts(),
      created,
      watching: Boolean(flags.watch),
      playground: !(api.options.static && existsSync(path.join(api.options.static, 'index.html'))),
      exposure: {
        everyInterface: ['0.0.0.0', '::', '[::]'].includes(flags.host),
        anyHost: api.options.allowedHosts === 'all',
        anyOrigin: api.options.corsOrigins.includes(ANY_ORIGIN),
      },
      tokens: {
        accessTtlSeconds: api.options.accessTtlSeconds,
        refreshTtlSeconds: api.options.refreshTtlSeconds,
        sessionTtlSeconds: api.options.sessionTtlSeconds,
        cookie: api.options.cookie
          ? { sameSite: api.options.cookieSameSite, secure: api.options.cookieSecure, corsOrigins: api.options.corsOrigins, cors: api.options.cors }
          : undefined,
      },
    }),
  );
  listenForSnapshots(() => api, flags.snapshots, log);

  let watchers: FSWatcher[] = [];
  if (flags.watch && !isScriptSource(db)) {
    const routesFile = typeof api.options.routes === 'string' ? api.options.routes : undefined;
    watchers = watchFiles([dbFile, ...(routesFile ? [routesFile] : [])], async (file) => {
      try {
        if (file === dbFile) {
          if (await api.database.fileIsOurs()) return; // our own write
          const onDisk = parseJson(dbFile, await readFile(dbFile, 'utf8'), (message) => new RuntimeError(message));
          if (isDeepStrictEqual(onDisk, api.database.persistedState())) return;
        }
        const previous = api;
        api = await createServer(serverOptions, { sessions: previous.sessions });
        await previous.close();
        log(`  ${path.relative(process.cwd(), file)} changed: reloaded`);
      } catch (error) {
        console.error(`fake-jwt-api: ${path.relative(process.cwd(), file)} changed but cannot be loaded, so the server keeps the previous version: ${(error as Error).message}`);
      }
    });
  }

  return {
    url,
    // Stop taking connections, let the requests in flight finish (each answers once its change is on disk),
    // then make sure nothing is left unsaved.
    close: async () => {
      for (const watcher of watchers) watcher.close();
      await listening.stop();
      await api.close();
    },
  };
}
