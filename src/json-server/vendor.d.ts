// Just the surface of json-server 0.17 and lowdb 1 that we use: both ship without types.

declare module 'json-server' {
  import type { Express, RequestHandler, Router, Request, Response } from 'express';
  import type { LowDb } from 'lowdb';

  export interface DefaultsOptions {
    static?: string;
    logger?: boolean;
    bodyParser?: boolean;
    noCors?: boolean;
    noGzip?: boolean;
    readOnly?: boolean;
  }
  export interface JsonServerRouter extends Router {
    db: LowDb;
    render: (req: Request, res: Response) => void;
  }
  export function create(): Express;
  export function defaults(options?: DefaultsOptions): RequestHandler[];
  export function router(db: LowDb, options?: { foreignKeySuffix?: string }): JsonServerRouter;
  export function rewriter(routes: Record<string, string>): Router;
  export const bodyParser: RequestHandler[];
}

declare module 'lowdb' {
  export interface LowDb {
    getState(): Record<string, unknown>;
    setState(state: Record<string, unknown>): LowDb;
    write(): unknown;
    set(path: string, value: unknown): { value(): unknown };
    _: { id: string };
  }
  export interface SyncAdapter {
    read(): unknown;
    write(state: unknown): void;
  }
  function low(adapter: SyncAdapter): LowDb;
  export default low;
}

declare module 'path-to-regexp' {
  // Express 4's matcher (0.1.x): the same engine Express routes with, so rules match as routes do.
  function pathToRegexp(path: string, keys?: unknown[], options?: { sensitive?: boolean; strict?: boolean; end?: boolean }): RegExp;
  export = pathToRegexp;
}
