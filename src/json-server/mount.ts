import path from 'node:path';
import type { Express, Request, RequestHandler, Response } from 'express';
import jsonServer from 'json-server';
import { sendApiError, toApiError } from '../http/errors';
import type { Database } from './database';
import { installDataLayer } from './data-layer';
import { limitDeleteCascade, type DeleteCascade } from './delete-cascade';
import type { IdLedger } from './ids';
import { makeJsonServerRouter, type DataGate } from './router';

export interface JsonServerOptions {
  database: Database;
  ledger: IdLedger;
  /** Which dependents the DELETE being served may remove: set by the data gate. */
  cascade: DeleteCascade;
  /** Runs immediately before each of json-server's data steps (see router.ts). */
  dataGate: DataGate;
  /** --id */
  idField: string;
  /** --fks */
  foreignKeySuffix: string;
  gzip: boolean;
  /** With CORS on: the response headers a browser may read (json-server's list and create routes overwrite them). */
  exposedHeaders?: readonly string[];
}

/**
 * json-server 0.17, configured: the one place that knows its internals (the router's layers, lowdb's lodash
 * mixins, the render hook, what its defaults hold). A json-server v1 mode would give the same parts from here.
 */
export interface JsonServerParts {
  /** A plain Express app, with json-server's JSON spacing; it never listens by itself. */
  createApp(): Express;
  /** What of jsonServer.defaults() the app keeps: gzip (unless --no-gzip) and the no-cache headers. */
  defaults: RequestHandler[];
  /** JSON and urlencoded bodies, as json-server reads them. */
  bodyParser: RequestHandler[];
  /** routes.json's rewrites, as json-server applies them. */
  rewriter(rewrites: Record<string, string>): RequestHandler;
  /** The data routes: every data step behind the gate, answering a change only once it is on disk. */
  router: RequestHandler;
}

/**
 * The list of json-server's defaults without the ones the app does itself. The logger: ours also says who asked
 * (http/request-log.ts). CORS: ours, or none (json-server's --no-cors flag never turned it off). Body parsing:
 * ours, with limits. Read-only: ours, in the guard (a JSON 403, and /auth keeps working). Static files: they
 * would fall back to json-server's bundled page and cost a stat() per request even with no folder; ours
 * (http/static-files.ts) guard the server's own files and run only when there is a folder.
 */
function keptDefaults(gzip: boolean): RequestHandler[] {
  const defaults = jsonServer.defaults({
    logger: false,
    noCors: true,
    noGzip: !gzip,
    bodyParser: false,
    readOnly: false,
    static: path.join(__dirname, 'no-static-folder'),
  });
  return defaults.filter((middleware) => middleware.name !== 'serveStatic');
}

/** Replaces json-server's render: reads answer at once; a change answers only once it is on disk (files/group-commit.ts). */
function renderWhenSaved(database: Database, exposedHeaders: readonly string[] | undefined) {
  return function render(req: Request, res: Response): void {
    // json-server's list and create routes overwrite the exposed headers with their own; put ours back.
    if (exposedHeaders) res.setHeader('Access-Control-Expose-Headers', exposedHeaders.join(', '));
    const send = () => res.jsonp(res.locals.data);
    if (req.method === 'GET' || req.method === 'HEAD') send();
    else database.settled().then(send, (error: unknown) => sendApiError(res, toApiError(error)));
  };
}

export function mountJsonServer(options: JsonServerOptions): JsonServerParts {
  const { database, ledger, cascade, foreignKeySuffix } = options;
  const { db } = database;
  const router = makeJsonServerRouter(db, foreignKeySuffix, options.dataGate);
  // After the router, which mixes lodash-id and json-server's own helpers into our lowdb instance.
  db._.id = options.idField;
  const collectionName = (collection: unknown[]) => {
    const state = db.getState();
    return Object.keys(state).find((name) => state[name] === collection);
  };
  installDataLayer(db, { ledger, collectionName, changed: (record) => database.forgetRecord(record) });
  limitDeleteCascade(db, foreignKeySuffix, collectionName, cascade);
  router.render = renderWhenSaved(database, options.exposedHeaders);
  return {
    createApp: jsonServer.create,
    defaults: keptDefaults(options.gzip),
    bodyParser: jsonServer.bodyParser,
    rewriter: (rewrites) => jsonServer.rewriter(rewrites),
    router,
  };
}
