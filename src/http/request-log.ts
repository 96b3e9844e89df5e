import type { Request, RequestHandler } from 'express';

type Caller = { sub: string; role: string; roles?: readonly string[] };

export interface RequestLogOptions {
  /** Where each line goes; stdout by default. */
  write?: (line: string) => void;
  /**
   * The caller of a request that no step authenticated: one answered before the authenticate step ran (a body that
   * is not JSON, an Origin refused). The server's verifies the token then (auth/authenticate.ts, callerForLog); a bad
   * one throws, which the log reads as anonymous.
   */
  identify?: (req: Request) => Caller | undefined;
}

/** A claim as one line of the log: a line break or escape sequence in a trusted provider's `sub` must not forge a line. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it replaces
const printable = (text: string) => text.replace(/[\x00-\x1F\x7F-\x9F\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Who asked: the caller the authenticate step found (req.auth), else the one a valid token names. A request refused
 * before that step (a body that is not JSON, an Origin refused) still had a caller.
 */
function callerOf(req: Request, identify: RequestLogOptions['identify']): string {
  let caller: Caller | undefined = req.auth;
  try {
    caller ??= identify?.(req);
  } catch {
    // A bad, expired or revoked token: the answer already said so; the log must not throw after it.
  }
  return caller ? `user ${printable(caller.sub)} (${printable((caller.roles ?? [caller.role]).join(', '))})` : 'anonymous';
}

/**
 * One line per request, once it is answered: method, path, status, time, and who asked (the user id and role of a
 * valid token, or anonymous). Written with the line it describes, so lines of parallel requests do not interleave.
 */
export function makeRequestLog(options: RequestLogOptions = {}): RequestHandler {
  const { write = (line: string) => process.stdout.write(`${line}\n`), identify } = options;
  return function requestLog(req, res, next) {
    const started = process.hrtime.bigint();
    const { method, originalUrl } = req;
    res.on('finish', () => {
      const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
      write(`${method} ${originalUrl} ${res.statusCode} ${milliseconds.toFixed(1)} ms ${callerOf(req, identify)}`);
    });
    next();
  };
}
