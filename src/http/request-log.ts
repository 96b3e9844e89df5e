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
/**
 * A claim as the log shows it: as is when it is a plain id or role; otherwise quoted, with every invisible or
 * control character escaped, so a trusted provider's `sub` or role can neither forge a line nor pass for another
 * caller (`1\u200b` is not `1`).
 */
const logText = (text: string) =>
  /^[\w.@|:/+-]{1,255}$/.test(text)
    ? text
    : JSON.stringify(text).replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`);

/**
 * Credentials in a URL — an ID token (end session's id_token_hint), a mailed link's token (the reset page's ?token=),
 * an authorization code: the log shows that one came, not it.
 */
const withoutCredentials = (url: string) => url.replace(/([?&](?:id_token_hint|token|code)=)[^&]*/gi, '$1…');

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
  return caller ? `user ${logText(caller.sub)} (${(caller.roles ?? [caller.role]).map(logText).join(', ')})` : 'anonymous';
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
      write(`${method} ${withoutCredentials(originalUrl)} ${res.statusCode} ${milliseconds.toFixed(1)} ms ${callerOf(req, identify)}`);
    });
    next();
  };
}
