import { realpathSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { ConfigError } from '../errors';

function realPath(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return path.resolve(file); // not there (yet): compare the path as written
  }
}

/**
 * Static files, as json-server serves them, except the files the server itself owns. Someone who runs
 * `--static .` in their project folder must not hand out users.json (the hashes) or db.json (every record, past
 * the access check). Nothing under a dot-folder is served either, and so never the state (.fake-jwt-api/):
 * express.static's own `dotfiles: 'ignore'` looks only at the file name, not at the folders above it.
 */
export function makeStaticFiles(folder: string, ownFiles: readonly string[]): RequestHandler {
  const serve = express.static(folder);
  const owned = new Set(ownFiles.map(realPath));
  // `--static .` in the project folder would also serve whatever else lives there (a config file with the
  // secret, snapshots, middleware sources): refuse it outright rather than guess which files are private.
  const root = `${realPath(folder)}${path.sep}`;
  for (const file of owned) {
    if (file.startsWith(root)) throw new ConfigError(`--static ${folder}: the folder holds ${file}, which must never be served; give static files a folder of their own, like ./public`);
  }
  return function staticFiles(req, res, next) {
    let requested: string;
    try {
      requested = decodeURIComponent(req.path);
    } catch {
      return next(); // malformed percent-encoding: no file of ours
    }
    if (requested.split('/').some((segment) => segment.startsWith('.'))) return next();
    if (owned.has(realPath(path.join(folder, requested)))) return next();
    serve(req, res, next);
  };
}
