import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
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

/**
 * Static files, as json-server serves them, except the files the server itself owns. Someone who runs
 * `--static .` in their project folder must not hand out users.json (the hashes) or db.json (every record, past
 * the access check). Nothing under a dot-folder is served either, and so never the state (.fake-jwt-api/):
 * express.static's own `dotfiles: 'ignore'` looks only at the file name, not at the folders above it.
 * And nothing outside the folder: express.static follows symbolic links, so `public/proj -> ..` would serve the
 * whole project (json-server.json with the secret). Every request is judged by its real path, links resolved.
 */
export function makeStaticFiles(folder: string, ownFiles: readonly string[]): RequestHandler {
  const rootPath = realPath(folder) ?? path.resolve(folder);
  const serve = express.static(rootPath);
  const owned = new Set(ownFiles.map((file) => realPath(file) ?? path.resolve(file)));
  // `--static .` in the project folder would also serve whatever else lives there (a config file with the
  // secret, snapshots, middleware sources): refuse it outright rather than guess which files are private.
  const root = `${rootPath}${path.sep}`;
  for (const file of owned) {
    if (file.startsWith(root)) throw new ConfigError(`--static ${folder}: the folder holds ${file}, which must never be served; give static files a folder of their own, like ./public`);
  }

  /** Whether a file, once every link on its way is resolved, is one that may be served. */
  const servable = (file: string): boolean => {
    const real = realPath(file);
    if (real === undefined) return false;
    if (real !== rootPath && !real.startsWith(root)) return false;
    return !hasDotSegment(path.relative(rootPath, real)) && !owned.has(real);
  };

  return function staticFiles(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let requested: string;
    try {
      requested = decodeURIComponent(req.path);
    } catch {
      return next(); // malformed percent-encoding: no file of ours
    }
    if (requested.includes('\0') || hasDotSegment(requested)) return next();
    const file = path.join(rootPath, requested);
    if (!servable(file)) return next();
    // A folder is answered with its index.html, which may itself be a link.
    const index = path.join(file, 'index.html');
    if (isDirectory(file) && realPath(index) !== undefined && !servable(index)) return next();
    serve(req, res, next);
  };
}
