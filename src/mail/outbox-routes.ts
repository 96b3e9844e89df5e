import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { badRequest, notFound } from '../errors';
import type { Outbox, StoredMail } from './outbox';

export const OUTBOX_PATH = '/__outbox';

/**
 * Whether a request goes to the outbox, whose messages carry reset links: CORS treats it as an auth endpoint (only
 * this machine's pages and --cors-origin's), never as data any origin may read. Case-insensitive, as Express routes.
 */
export function isOutboxRequest(req: Request): boolean {
  const path = req.path.toLowerCase();
  return path === OUTBOX_PATH || path.startsWith(`${OUTBOX_PATH}/`);
}

export interface OutboxRoutesOptions {
  /** --allow-reset: the server is a test server, and callers from this machine may read and empty the outbox without a token. */
  open: boolean;
  /**
   * Whether a request comes from this machine: http/local-request.ts isFromThisMachine, handed in (mail/ sits below
   * http/). A loopback connection without any forwarding header, to a loopback Host: a proxy or tunnel closes it.
   */
  fromThisMachine: (req: Request) => boolean;
  /**
   * Otherwise the admin role only: auth/authenticate.ts requireAdmin, handed in (mail/ sits below auth/), so the
   * 401 without a token and the 403 for another role are the ones every admin endpoint gives.
   */
  requireAdmin: (req: Request, what: string) => unknown;
}

/**
 * Whether a request may use the outbox without a token (README "The outbox"): with --allow-reset, from this machine
 * only. The messages carry reset links, the admin's among them: on a server others reach (--host 0.0.0.0, a
 * classroom's LAN) a link read by anyone is the admin account taken. An admin's token works from anywhere.
 */
export function openWithoutToken(req: Request, { open, fromThisMachine }: Pick<OutboxRoutesOptions, 'open' | 'fromThisMachine'>): boolean {
  return open && fromThisMachine(req);
}

type Handler = (req: Request, res: Response) => Promise<void>;

const summary = ({ id, from, to, subject, date, links }: StoredMail) => ({ id, from, to, subject, date, links });

function recipientFilter(req: Request): string | undefined {
  const { to } = req.query;
  if (to === undefined) return undefined;
  if (typeof to !== 'string') throw badRequest('"to" must be one email address, like ?to=alice@example.com.');
  return to;
}

/** GET /__outbox (newest first, ?to= filters), GET /__outbox/:id (one message whole), DELETE /__outbox. */
export function makeOutboxRoutes(outbox: Outbox, options: OutboxRoutesOptions): Router {
  const router = express.Router();

  /** The caller check first, then the handler; a rejection goes to the error handler (Express 4 would drop it). */
  const guarded = (handler: Handler) =>
    function outboxRoute(req: Request, res: Response, next: NextFunction) {
      if (!openWithoutToken(req, options)) options.requireAdmin(req, 'The outbox');
      handler(req, res).catch(next);
    };

  router.get(
    OUTBOX_PATH,
    guarded(async (req, res) => {
      const messages = await outbox.list({ to: recipientFilter(req) });
      res.json({ messages: messages.map(summary) });
    }),
  );

  router.get(
    `${OUTBOX_PATH}/:id`,
    guarded(async (req, res) => {
      const message = await outbox.get(req.params.id);
      if (!message) throw notFound(`There is no message with id ${req.params.id} in the outbox; GET ${OUTBOX_PATH} lists them.`);
      res.json(message);
    }),
  );

  router.delete(
    OUTBOX_PATH,
    guarded(async (_req, res) => {
      await outbox.clear();
      res.status(204).end();
    }),
  );

  return router;
}
