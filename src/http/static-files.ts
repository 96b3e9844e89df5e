import { constants, realpathSync, statSync, type Stats } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { Request, RequestHandler, Response } from 'express';
import { fileIdentity, isOutlivedVersion } from '../files/atomic';
import { ConfigError } from '../errors';

function realPath(file: string): string | undefined {
  try {
    return realpathSync.native(file);
  } catch {
    return undefined; // not there, or a dangling link
  }
}

const isDirectory = (file: string) => statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
const hasDotSegment = (relative: string) => relative.split(/[\\/]/).some((segment) => segment.startsWith('.'));

// O_NOFOLLOW: the file's own name cannot have become a link since its path was resolved. O_NONBLOCK: a FIFO in the
// folder must not hold a thread until someone writes to it (fstat then refuses it; reads of a file ignore the flag).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
// What open() says of a file that is not there, or not ours to read: the request falls through to a 404.
const NOT_SERVABLE = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP', 'EACCES', 'EPERM']);

const identityOf = fileIdentity;

/**
 * The server's own files, by identity. They are written by rename, so a hard link made to one keeps that version's
 * bytes under a name of its own, and once the next write has replaced the original, with a link count of 1: every
 * identity an own file is seen with is remembered for good. (A folder among them: the files directly in it.)
 */
function makeOwnFiles(files: readonly string[]): { includes(stats: Stats): Promise<boolean> } {
  const seen = new Set<string>();
  const note = async (file: string, inFolder = false): Promise<void> => {
    const stats = await stat(file).catch(() => undefined);
    if (stats?.isFile()) seen.add(identityOf(stats));
    else if (stats?.isDirectory() && !inFolder) await Promise.all((await readdir(file).catch(() => [])).map((name) => note(path.join(file, name), true)));
  };
  const look = () => Promise.all(files.map((file) => note(file))).then(() => undefined);
  void look(); // the versions of now, before any request: a link to one may be left over after the next write
  return {
    /** Looks again first: the versions the files have now count too. */
    async includes(stats) {
      await look();
      // A version replaced before this guard existed (a file rewritten before the first request) is known to the writer.
      return seen.has(identityOf(stats)) || isOutlivedVersion(stats);
    },
  };
}

/**
 * `--static .` in the project folder would also serve whatever else lives there (a config file with the secret,
 * snapshots, middleware sources): refused outright rather than guess which files are private.
 */
function refuseFolderHoldingOwnFiles(folder: string, root: string, owned: ReadonlySet<string>): void {
  for (const file of owned) {
    if (file.startsWith(root))
      throw new ConfigError(
        'ERR_OPTION',
        `--static ${folder}: the folder holds ${file}, which must never be served; give static files a folder of their own, like ./public`,
      );
  }
}

/** Once per server and reason: why a file in the folder is not served, and what to do. */
function makeTellOnce(folder: string, rootPath: string): (reason: 'hard link' | 'own file', real: string) => void {
  const told = new Set<string>();
  return (reason, real) => {
    if (told.has(reason)) return;
    told.add(reason);
    const shown = path.join(folder, path.relative(rootPath, real));
    console.error(
      reason === 'hard link'
        ? `fake-jwt-api: not serving ${shown}: it is a hard link (the same file has another name, perhaps outside the static folder, like users.json or a config file with the secret); replace it with a copy (cp, not ln). Other hard links are refused without a word.`
        : `fake-jwt-api: not serving ${shown}: it is a version of one of this server's own files (db.json, users.json, the state), left there by a hard link; delete it.`,
    );
  };
}

/**
 * Static files, as json-server serves them, except the files the server itself owns. Someone who runs
 * `--static .` in their project folder must not hand out users.json (the hashes) or db.json (every record, past
 * the access check). Nothing under a dot-folder is served either, and so never the state (.fake-jwt-api/):
 * express.static's own `dotfiles: 'ignore'` looks only at the file name, not at the folders above it.
 * And nothing outside the folder: express.static follows symbolic links, so `public/proj -> ..` would serve the
 * whole project (json-server.json with the secret). Every request is judged by its real path, links resolved.
 * Nor a hard link, which is the same file as a name elsewhere (`ln users.json public/u.json`): a file is served
 * only while it has one name, and is not one of the server's own. The checks are made on the opened file, and
 * that same handle is sent, so the file cannot be swapped between the check and the answer.
 */
export function makeStaticFiles(folder: string, ownFiles: readonly string[]): RequestHandler {
  const rootPath = realPath(folder) ?? path.resolve(folder);
  const owned = new Set(ownFiles.map((file) => realPath(file) ?? path.resolve(file)));
  const root = `${rootPath}${path.sep}`;
  refuseFolderHoldingOwnFiles(folder, root, owned);
  const ownIdentities = makeOwnFiles([...owned]);
  const tellOnce = makeTellOnce(folder, rootPath);

  /** The real path of a file that may be served, once every link on its way is resolved; undefined for any other. */
  const servablePath = (file: string): string | undefined => {
    const real = realPath(file);
    if (real === undefined || (real !== rootPath && !real.startsWith(root))) return undefined;
    return hasDotSegment(path.relative(rootPath, real)) || owned.has(real) ? undefined : real;
  };

  /** What a request names: a file's real path, a folder's URL to redirect to, or nothing we serve. */
  const resolve = (req: Request): { real: string } | { redirect: string } | undefined => {
    let requested: string;
    try {
      requested = decodeURIComponent(req.path);
    } catch {
      return undefined; // malformed percent-encoding: no file of ours
    }
    if (requested.includes('\0') || hasDotSegment(requested)) return undefined;
    const real = servablePath(path.join(rootPath, requested));
    if (real === undefined) return undefined;
    if (!isDirectory(real)) return { real };
    // A folder is answered with its index.html (which may itself be a link), at its URL with a slash, as serve-static.
    if (!requested.endsWith('/')) return { redirect: folderUrl(req.originalUrl) };
    const index = servablePath(path.join(real, 'index.html'));
    return index === undefined ? undefined : { real: index };
  };

  /** The file at `real` opened, if it may be served: a plain file with one name, not the server's, still at `real`. */
  const openServable = async (real: string): Promise<{ handle: FileHandle; stats: Stats } | undefined> => {
    const handle = await open(real, OPEN_FLAGS).catch((error: NodeJS.ErrnoException) => {
      if (NOT_SERVABLE.has(error.code ?? '')) return undefined;
      throw error;
    });
    if (!handle) return undefined;
    let servable = false;
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return undefined;
      // Asked first, even of a hard link: that looks at the own files now, and remembers the one linked to.
      const own = await ownIdentities.includes(stats);
      if (stats.nlink > 1) return void tellOnce('hard link', real);
      if (own) return void tellOnce('own file', real);
      // A folder on the way may have been swapped for a link since the path was resolved: the opened file must be
      // the one now at the path that was checked (a single name, so there is no other place it could also be).
      const atPath = await stat(real).catch(() => undefined);
      if (!atPath || identityOf(atPath) !== identityOf(stats)) return undefined;
      servable = true;
      return { handle, stats };
    } finally {
      if (!servable) await handle.close();
    }
  };

  return function staticFiles(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const target = resolve(req);
    if (target === undefined) return next();
    if ('redirect' in target) return res.redirect(301, target.redirect);
    openServable(target.real).then((opened) => (opened ? sendOpenFile(req, res, opened.handle, opened.stats, target.real) : next()), next);
  };
}

/** `/site?x=1` → `/site/?x=1`; leading slashes collapsed, so the Location never names another host (`//evil.com`). */
function folderUrl(originalUrl: string): string {
  const [pathname, ...query] = originalUrl.split('?');
  return [`/${pathname.replace(/^\/+/, '')}/`, ...query].join('?');
}

/**
 * Answers with an opened file as express.static (send) does: type, ETag and Last-Modified, a 304 for a fresh
 * conditional GET, one byte range (several, or a stale If-Range, get the whole file), HEAD without a body.
 * The handle is closed once the answer is sent, or the client has gone.
 */
function sendOpenFile(req: Request, res: Response, handle: FileHandle, stats: Stats, file: string): void {
  res.type(path.basename(file));
  res.set({
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'public, max-age=0',
    'Last-Modified': stats.mtime.toUTCString(),
    ETag: `W/"${stats.size.toString(16)}-${stats.mtime.getTime().toString(16)}"`,
  });
  const finish = (status: number) => {
    void handle.close();
    res.status(status).end();
  };
  if (req.fresh) {
    for (const header of ['Content-Type', 'Content-Length', 'Content-Range', 'Content-Encoding', 'Content-Language']) res.removeHeader(header);
    return finish(304);
  }
  const range = requestedRange(req, res, stats.size);
  if (range === 'unsatisfiable') {
    res.set('Content-Range', `bytes */${stats.size}`);
    return finish(416);
  }
  if (range) res.status(206).set('Content-Range', `bytes ${range.start}-${range.end}/${stats.size}`);
  const { start, end } = range ?? { start: 0, end: stats.size - 1 };
  res.set('Content-Length', String(end - start + 1));
  if (req.method === 'HEAD' || end < start) return finish(res.statusCode);
  // A read error or a client that went away ends the response; the stream closes the handle either way.
  pipeline(handle.createReadStream({ start, end }), res, () => undefined);
}

/** The one byte range a GET asks for and may have; undefined for the whole file. */
function requestedRange(req: Request, res: Response, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const header = req.headers.range;
  if (!header || !/^ *bytes=/.test(header) || !rangeIsFresh(req, res)) return undefined;
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  return Array.isArray(ranges) && ranges.length === 1 ? ranges[0] : undefined;
}

/** If-Range (RFC 9110 §13.1.5): the range only while the file is the version the client has the rest of. */
function rangeIsFresh(req: Request, res: Response): boolean {
  const ifRange = req.get('If-Range');
  if (!ifRange) return true;
  if (ifRange.includes('"')) return ifRange.includes(String(res.get('ETag')));
  return Date.parse(String(res.get('Last-Modified'))) <= Date.parse(ifRange);
}
