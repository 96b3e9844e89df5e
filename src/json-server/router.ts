import type { Request, RequestHandler, Response } from 'express';
import jsonServer, { type JsonServerRouter } from 'json-server';
import type { LowDb } from 'lowdb';

/**
 * Runs json-server's data step for a request: `run()` calls json-server's own handler (list, show, create,
 * update, destroy), which reads and changes the data synchronously. Whatever the gate decides or arranges
 * before calling `run()` holds while the data is touched, since nothing asynchronous can come in between.
 */
export type DataGate = (req: Request, res: Response, run: () => void) => void;

interface Layer {
  name: string;
  handle: RequestHandler & { stack?: Layer[]; length: number };
  route?: { path: string; stack: Layer[] };
}

// json-server's data steps, by their function names in json-server 0.17's plural.js and singular.js.
const DATA_STEPS = new Set(['list', 'show', 'create', 'update', 'destroy']);

function gated(step: RequestHandler, gate: DataGate): RequestHandler {
  return function gatedStep(req, res, next) {
    gate(req, res, () => step(req, res, next));
  };
}

function wrapRoutes(layers: Layer[], gate: DataGate): void {
  for (const layer of layers) {
    for (const step of layer.route?.stack ?? []) {
      if (DATA_STEPS.has(step.handle.name) || layer.route?.path === '/db') step.handle = gated(step.handle, gate) as Layer['handle'];
    }
  }
}

/**
 * json-server's router, with three changes:
 * - every data step runs through `gate`, immediately before it;
 * - its `delay` middlewares are gone: json-server pauses every request at least 1 ms there, *after* the access
 *   check, so a record could be deleted and its id handed to someone else in between. Delays (`_delay`, `--delay`)
 *   are served before the check instead (see http/delay.ts);
 * - its nested-route router is gone (the guard rewrites `/posts/1/comments` to the one canonical URL first), and
 *   so is its error handler, which sends err.stack to the client.
 */
export function makeJsonServerRouter(db: LowDb, foreignKeySuffix: string, gate: DataGate): JsonServerRouter {
  const router = jsonServer.router(db, { foreignKeySuffix });
  const stack = router.stack as unknown as Layer[];
  const isNestedRouter = (layer: Layer) => (layer.handle.stack ?? []).some((inner) => inner.route?.path === '/:resource/:id/:nested');
  router.stack = stack.filter((layer) => layer.handle.length !== 4 && !isNestedRouter(layer)) as unknown as typeof router.stack;
  wrapRoutes(router.stack as unknown as Layer[], gate);
  for (const layer of router.stack as unknown as Layer[]) {
    const inner = layer.handle.stack;
    if (!inner) continue;
    layer.handle.stack = inner.filter((step) => step.handle.name !== 'delay');
    wrapRoutes(layer.handle.stack, gate);
  }
  return router;
}
