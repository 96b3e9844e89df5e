import jsonServer from 'json-server';

/**
 * Where json-server's rewriter sends a path: the same rewriter, run on the path alone, so the answer is what
 * a request to that path would reach. The path comes back unchanged when no rewrite applies.
 */
export function makeRewrittenPath(rewrites: Record<string, string>): (path: string) => Promise<string> {
  const rewriter = jsonServer.rewriter(rewrites);
  return (path) =>
    new Promise((resolve, reject) => {
      const req = { method: 'GET', url: path, headers: {} };
      rewriter(req as never, {} as never, (error?: unknown) => (error ? reject(error) : resolve(req.url)));
    });
}
