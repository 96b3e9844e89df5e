import { existsSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, RuntimeError } from '../../errors';
import { listenFirst } from '../../http/listen-first';
import { ANY_ORIGIN } from '../../http/origins';
import { createServer, type FakeJwtApi } from '../../app/create-server';
import { serverOptionsFromFlags } from '../../config/flags-to-options';
import type { ServeFlags } from '../../config/option-table';
import type { ServerOptions } from '../../config/options';
import { isScriptSource } from '../../json-server/database';
import { parseJson } from '../../files/json-file';
import { toJsonText } from '../../files/atomic';
import { currentKey, readKeyPairs } from '../../auth/key-pairs';
import { statePaths } from '../../state/state-dir';
import { resolvePlaces } from '../../config/resolve-places';
import { httpsPlanOf } from '../https-credentials';
import { renderBanner } from '../banner';
import { docsPathOf } from '../../app/openapi';
import type { ProviderPathPreset } from '../../config/server-options';
import { refuseUnlikelyNewDb, withStarterFiles } from '../new-db';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
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
      timers.set(
        file,
        setTimeout(() => onChange(file), 100),
      );
    }),
  );
}

/** The app that answers: --watch swaps in a new one when the files change. */
interface LiveApp {
  api: FakeJwtApi;
}

/**
 * The algorithm and the kid of the key that signs: with a key pair, the one the start chose from keys.json (the
 * newest of the algorithm not retired; a start retires the others), found the same way (auth/key-pairs.ts).
 */
function signingOf({ options }: FakeJwtApi): { alg: string; kid?: string; providerPaths?: ProviderPathPreset } {
  if (options.alg === 'HS256') return { alg: options.alg };
  const kid = currentKey(readKeyPairs(statePaths(options.stateDir).keys), options.alg)?.kid;
  return { alg: options.alg, kid, providerPaths: options.providerPaths };
}

function bannerOf(api: FakeJwtApi, url: string, created: readonly string[], flags: ServeFlags): string {
  const { options } = api;
  return renderBanner({
    url,
    description: api.describe(),
    usersFile: api.accounts.name,
    demoAccounts: api.accounts.demoAccounts(),
    created,
    watching: Boolean(flags.watch),
    playground: !(options.static && existsSync(path.join(options.static, 'index.html'))),
    docsPath: docsPathOf(api.describe().resources.map(({ name }) => name)),
    smtp: options.smtp && `${options.smtp.host.includes(':') ? `[${options.smtp.host}]` : options.smtp.host}:${options.smtp.port}`,
    exposure: {
      everyInterface: ['0.0.0.0', '::', '[::]'].includes(flags.host),
      anyHost: options.allowedHosts === 'all',
      anyOrigin: options.corsOrigins.includes(ANY_ORIGIN),
    },
    tokens: {
      accessTtlSeconds: options.accessTtlSeconds,
      clientTtl: options.allowClientTtl,
      refreshTtlSeconds: options.refreshTtlSeconds,
      sessionTtlSeconds: options.sessionTtlSeconds,
      cookie: options.cookie
        ? { sameSite: options.cookieSameSite, secure: options.cookieSecure, corsOrigins: options.corsOrigins, cors: options.cors }
        : undefined,
    },
    signing: signingOf(api),
    throttle: options.throttle,
    trust: options.trust && { issuers: options.trust.issuers.map(({ issuer }) => issuer), audiences: options.trust.audiences },
  });
}

/** --watch: a new app from the same options, keeping the sessions, when db.json or the routes file is edited by hand. */
function reloadOnEdits(live: LiveApp, serverOptions: ServerOptions, dbFile: string, log: (line: string) => void): FSWatcher[] {
  const routesFile = typeof live.api.options.routes === 'string' ? live.api.options.routes : undefined;
  return watchFiles([dbFile, ...(routesFile ? [routesFile] : [])], async (file) => {
    try {
      if (file === dbFile) {
        if (await live.api.database.fileIsOurs()) return; // our own write
        const onDisk = parseJson(dbFile, await readFile(dbFile, 'utf8'), (message) => new RuntimeError('ERR_DB_FILE', message));
        if (isDeepStrictEqual(onDisk, live.api.database.persistedState())) return;
      }
      const previous = live.api;
      live.api = await createServer(serverOptions, { sessions: previous.sessions });
      await previous.close();
      log(`  ${path.relative(process.cwd(), file)} changed: reloaded`);
    } catch (error) {
      console.error(
        `fake-jwt-api: ${path.relative(process.cwd(), file)} changed but cannot be loaded, so the server keeps the previous version: ${(error as Error).message}`,
      );
    }
  });
}

/** `fileOnly`: what the config file sets that no flag does (the clients list). */
export async function serve(db: string, flags: ServeFlags, fileOnly: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const log = flags.quiet ? () => undefined : (line: string) => console.log(line);
  const dbFile = path.resolve(db);
  const isNew = !existsSync(dbFile);
  if (isNew) refuseUnlikelyNewDb(db); // a typo of an existing file's name, or a missing script
  const serverOptions: ServerOptions = {
    ...serverOptionsFromFlags(flags),
    ...fileOnly,
    db: dbFile,
    // The name the server was told to listen on is one it answers to (a --host of an address is answered anyway).
    allowedHosts: [...(flags.allowedHosts ?? []), flags.host],
    logger: !flags.quiet,
    keepExternalEdits: Boolean(flags.watch),
    watchUsers: true,
  };
  if (!existsSync(flags.snapshots)) throw new ConfigError('ERR_OPTION', `--snapshots: the folder ${flags.snapshots} does not exist`);
  const https = httpsPlanOf(
    flags,
    () => resolvePlaces(serverOptions).stateDir,
    () => resolvePlaces(serverOptions).static,
  );

  const live = {} as LiveApp;
  let created: string[] = [];
  // The port first, then the starter files and the app: a start that fails leaves the folder as it was.
  const listening = await listenFirst(
    flags.port,
    flags.host,
    (req, res) => live.api.app(req, res),
    async () => {
      created = await withStarterFiles(isNew ? dbFile : undefined, async () => {
        live.api = await createServer(serverOptions);
      });
    },
    https?.credentials,
  );
  // One write: a reader that waits for the banner (a test, a script) gets the HTTPS lines with it.
  const banner = bannerOf(live.api, listening.url, created, flags);
  log(https ? `${banner}\n${https.bannerLines().join('\n')}\n` : banner);
  // --quiet keeps the banner out of the way, not what went wrong at start (a rule's near miss, an unreachable --trust issuer).
  if (flags.quiet) for (const warning of live.api.warnings) console.error(`fake-jwt-api: warning: ${warning}`);
  listenForSnapshots(() => live.api, flags.snapshots, log);
  const watchers = flags.watch && !isScriptSource(db) ? reloadOnEdits(live, serverOptions, dbFile, log) : [];

  return {
    url: listening.url,
    // Stop taking connections, let the requests in flight finish (each answers once its change is on disk),
    // then make sure nothing is left unsaved.
    close: async () => {
      for (const watcher of watchers) watcher.close();
      await listening.stop();
      await live.api.close();
    },
  };
}
