import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { listen, type Listening } from './listen';

/**
 * Listens on host:port first, then runs `prepare` (reading the files, building the app) and only then hands
 * requests to `handler`: a port in use fails before any file is read or written, so a start that fails leaves the
 * project as it was. Requests that arrive while `prepare` runs wait for it; if it fails, they are dropped and
 * the port is let go before the error is passed on.
 */
export async function listenFirst(port: number, host: string, handler: RequestListener, prepare: () => Promise<void>): Promise<Listening> {
  let ready = false;
  const waiting: Array<[IncomingMessage, ServerResponse]> = [];
  const listening = await listen(
    (req, res) => {
      if (ready) handler(req, res);
      else waiting.push([req, res]);
    },
    port,
    host,
  );
  try {
    await prepare();
  } catch (error) {
    for (const [req] of waiting) req.socket.destroy();
    await listening.stop();
    throw error;
  }
  ready = true;
  for (const [req, res] of waiting.splice(0)) handler(req, res);
  return listening;
}
