import type { RequestHandler } from 'express';

/**
 * One line per request, once it is answered: method, path, status, time, and who asked (the user id and role of a
 * valid token, or anonymous). Written with the line it describes, so lines of parallel requests do not interleave.
 */
export function makeRequestLog(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): RequestHandler {
  return function requestLog(req, res, next) {
    const started = process.hrtime.bigint();
    const { method, originalUrl } = req;
    res.on('finish', () => {
      const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
      const who = req.auth ? `user ${req.auth.sub} (${req.auth.role})` : 'anonymous';
      write(`${method} ${originalUrl} ${res.statusCode} ${milliseconds.toFixed(1)} ms ${who}`);
    });
    next();
  };
}
