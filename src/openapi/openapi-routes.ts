import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { stringify as toYaml } from 'yaml';

/**
 * GET /openapi.json, /openapi.yaml and the reference page /docs (README "OpenAPI and typed clients"). The document
 * is built anew for each request, from the data as it is now; the page is Swagger UI from the swagger-ui-dist
 * package, served from here: no CDN, no request leaving the machine.
 */
/** What the document names the server by: each answer puts the origin its request used in its place. */
export const SERVER_URL_PLACEHOLDER = 'http://server-origin.fake-jwt-api.invalid';

export interface OpenApiRoutesOptions {
  /** The document as it is now, naming the server as SERVER_URL_PLACEHOLDER. */
  document(): Record<string, unknown>;
  /** The origin this request's client reached the server by (the Host check vetted it). */
  serverUrl(req: Request): string;
  /** Where the reference page is: `/docs`, or `/__docs` when db.json has a `docs` resource (which keeps its path). */
  docsPath: string;
}

const PLAYGROUND = path.join(__dirname, '..', '..', 'playground', 'docs');
const SWAGGER_UI = path.dirname(createRequire(__filename).resolve('swagger-ui-dist/package.json'));

/** The page's files by name: a fixed list, so no request names a path on disk. */
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': path.join(SWAGGER_UI, 'swagger-ui-bundle.js'),
  'swagger-ui.css': path.join(SWAGGER_UI, 'swagger-ui.css'),
  'oauth2-redirect.html': path.join(SWAGGER_UI, 'oauth2-redirect.html'),
  'oauth2-redirect.js': path.join(SWAGGER_UI, 'oauth2-redirect.js'),
  'docs.js': path.join(PLAYGROUND, 'docs.js'),
  'docs.css': path.join(PLAYGROUND, 'docs.css'),
};

/**
 * Swagger UI's scripts are files of this origin; its React sets inline `style` attributes, hence 'unsafe-inline'
 * for styles only (no script runs inline). "Try it" and the OpenID sign-in talk to this origin alone.
 */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function pageHeaders(res: Response): void {
  res.set({ 'Content-Security-Policy': DOCS_CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'same-origin', 'X-Content-Type-Options': 'nosniff' });
}

let pageTemplate: string | undefined;
const docsPage = (docsPath: string) => (pageTemplate ??= readFileSync(path.join(PLAYGROUND, 'page.html'), 'utf8')).replaceAll('__DOCS__', docsPath);

/**
 * The texts of a document, written once per document object: document() hands back the same object until the
 * data changes (app/openapi.ts cachedDocument), and a megabyte of JSON or YAML is worth not writing again for
 * every caller.
 */
function textsOf(): (document: Record<string, unknown>, format: 'json' | 'yaml') => string {
  const written = new WeakMap<object, { json?: string; yaml?: string }>();
  return (document, format) => {
    const texts = written.get(document) ?? {};
    written.set(document, texts);
    return (texts[format] ??= format === 'json' ? JSON.stringify(document) : toYaml(document, { aliasDuplicateObjects: false }));
  };
}

export function makeOpenApiRoutes({ document, serverUrl, docsPath }: OpenApiRoutesOptions): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  const textOf = textsOf();
  router.get('/openapi.json', (req, res) => {
    res
      .set('Cache-Control', 'no-cache')
      .type('application/json')
      .send(textOf(document(), 'json').replaceAll(SERVER_URL_PLACEHOLDER, serverUrl(req)));
  });
  router.get('/openapi.yaml', (req, res) => {
    res
      .set('Cache-Control', 'no-cache')
      .type('application/yaml')
      .send(textOf(document(), 'yaml').replaceAll(SERVER_URL_PLACEHOLDER, serverUrl(req)));
  });
  router.get(docsPath, (_req, res) => {
    pageHeaders(res);
    res.set('Cache-Control', 'no-cache').type('html').send(docsPage(docsPath));
  });
  router.get(`${docsPath}/:file`, (req, res, next) => {
    const file = Object.hasOwn(ASSETS, req.params.file) ? ASSETS[req.params.file] : undefined;
    if (!file) return next();
    pageHeaders(res);
    res.sendFile(file, { maxAge: req.params.file.startsWith('swagger-ui') ? '1d' : 0 });
  });
  return router;
}
