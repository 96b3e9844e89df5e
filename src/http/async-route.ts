import type { Request, RequestHandler, Response } from 'express';

type AsyncHandler = (req: Request, res: Response) => Promise<void>;

/** Express 4 does not catch rejected promises: hand them to the error handler. */
export const asyncRoute = (handler: AsyncHandler): RequestHandler =>
  function asyncRoute(req, res, next) {
    handler(req, res).catch(next);
  };
