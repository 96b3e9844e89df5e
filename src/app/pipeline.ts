import { isOutboxRequest, makeOutboxRoutes } from '../mail/outbox-routes';
import type { Outbox } from '../mail/outbox';
import type { Express, Request, RequestHandler } from 'express';
import type { ApiDescription } from '../access/describe';
import { requireAdmin } from '../auth/authenticate';
import { isAuthEndpoint } from '../auth/endpoints';
import { isPublicDocument, makeWellKnownRoutes } from '../auth/well-known-routes';
import type { ResolvedOptions } from '../config/options';
import { bodyLimits } from '../http/body-limits';
import { EXPOSED_HEADERS, makeAuthOriginGate, makeCorsHeaders } from '../http/cors';
import { makeDelay } from '../http/delay';
import { errorHandler, noRouteError, notFoundHandler } from '../http/errors';
import { makeHostCheck } from '../http/host-check';
import { isFromThisMachine } from '../http/local-request';
import { emptyOptionsAnswers } from '../http/options-requests';
import { makePlaygroundPage } from '../http/playground-page';
import { makeRequestLog } from '../http/request-log';
import { makeStaticFiles } from '../http/static-files';
import type { JsonServerParts } from '../json-server/mount';
import type { AccessParts } from './access';
import { makeOpenApiRoutes } from '../openapi/openapi-routes';
import { cachedDocument, docsPathOf, openApiDocument, requestServerUrl } from './openapi';
import { SERVER_URL_PLACEHOLDER } from '../openapi/openapi-routes';
import type { AuthParts } from './auth';
import type { ProviderParts } from './provider';
import type { Stores } from './stores';

export interface AppParts {
  options: ResolvedOptions;
  stores: Stores;
  /** The state folder: never served as static files. */
  stateDir: string;
  jsonServer: JsonServerParts;
  auth: AuthParts;
  /** The OpenID provider's endpoints (app/provider.ts). */
  provider: ProviderParts;
  /** The mails the account flows sent (README "The outbox"). */
  outbox: Outbox;
  access: AccessParts;
  describe(): ApiDescription;
  reset(): Promise<void>;
}

/** GET /: the playground, built from the same description as the banner. */
function playground({ options, stores, auth, access, describe }: AppParts): RequestHandler {
  return makePlaygroundPage(() => ({
    resources: describe().resources,
    demoAccounts: stores.accounts.demoAccounts().map(({ email, username, role }) => ({ email, username, role })),
    loginField: options.loginField,
    requireVerifiedEmail: options.requireVerifiedEmail,
    cookieMode: Boolean(auth.cookie),
    docsPath: docsPathOf(access.resources.keys()),
    passwordMinLength: options.passwordMinLength,
    idField: options.id,
    foreignKeySuffix: options.foreignKeySuffix,
  }));
}

/** The files the server writes or reads its configuration from: a static folder that holds them never serves them. */
function ownFiles({ options, stores, stateDir }: AppParts): string[] {
  const routesFile = typeof options.routes === 'string' ? options.routes : undefined;
  return [stores.database.file, options.users, routesFile, stateDir].filter((own): own is string => own !== undefined);
}

/** POST /__reset (--allow-reset), for an admin: see lifecycle.ts. */
const resetRoute = (reset: () => Promise<void>): RequestHandler =>
  function resetEverything(req, res, next) {
    requireAdmin(req, 'POST /__reset');
    reset().then(() => res.status(204).end(), next);
  };

/** --middlewares may answer only what the guard resolved to a resource, or a route of theirs a rule allowed. */
const onlyResolved: RequestHandler = (req, _res, next) => next(req.resolved ? undefined : noRouteError(req));

/**
 * The order of the steps every request goes through. Each step may answer; the ones after it then never run.
 * README "Development" lists the same order.
 */
export function buildApp(parts: AppParts): Express {
  const { options, stores, jsonServer, auth, access } = parts;
  const { rewrites } = stores.routes;
  const hasRewrites = Object.keys(rewrites).length > 0;
  // Data answers any origin, as json-server; the auth endpoints only pages that may get a token (http/cors.ts).
  // The outbox too: its mails carry reset links.
  const authOrigins = {
    corsOrigins: options.corsOrigins,
    isAuthEndpoint: (req: Request) => isAuthEndpoint(req, stores.database.accountsCollection) || isOutboxRequest(req),
  };
  const app = jsonServer.createApp();
  app.disable('x-powered-by');
  // req.ip, which login throttling counts by: the socket's address, or X-Forwarded-For's from --trust-proxy's proxies only.
  app.set('trust proxy', options.trustProxy);
  app.use(makeHostCheck(options.allowedHosts)); // DNS rebinding: only names that cannot be pointed here by a stranger
  if (parts.provider.aliases) app.use(parts.provider.aliases); // --provider-paths auth0: /authorize is /auth/authorize for every later step
  if (options.cors) app.use(makeCorsHeaders({ ...authOrigins, exposedHeaders: EXPOSED_HEADERS, preflightsWaitForRewrites: hasRewrites, isPublicDocument }));
  if (options.logger) app.use(makeRequestLog({ identify: auth.authenticator.callerForLog })); // a line once answered
  app.use(jsonServer.defaults); // gzip and no-cache headers; the rest of json-server's defaults are ours
  app.use(makeWellKnownRoutes({ keys: auth.signingKeys, issuer: auth.tokenIssuer, providerMetadata: parts.provider.metadata })); // the JWKS, discovery: not data, before any rule
  if (options.static) app.use(makeStaticFiles(options.static, ownFiles(parts))); // only with a folder
  app.use(emptyOptionsAnswers); // Express's own OPTIONS answers, without their HTML body
  app.use(jsonServer.bodyParser, bodyLimits);
  if (hasRewrites) app.use(jsonServer.rewriter(rewrites)); // routes.json: every later step sees the real path
  app.use(makeAuthOriginGate({ ...authOrigins, answerPreflights: options.cors })); // after the rewrites: no alias slips past
  app.use(auth.authenticator.authenticateRequest); // once, into req.auth: every later step reads it
  app.use(parts.provider.routes); // the OpenID provider: /auth/authorize, /auth/token, /auth/userinfo
  app.use(auth.routes);
  app.get('/', playground(parts));
  // README "OpenAPI and typed clients": the document of this server now, and its reference page.
  const document = cachedDocument(
    () => openApiDocument(options, stores, SERVER_URL_PLACEHOLDER, parts.access),
    () => stores.database.changeCount(),
  );
  app.use(makeOpenApiRoutes({ document, serverUrl: requestServerUrl, docsPath: docsPathOf(parts.access.resources.keys()) }));
  if (options.allowReset) app.post('/__reset', resetRoute(parts.reset));
  app.use(makeOutboxRoutes(parts.outbox, { open: options.allowReset, fromThisMachine: isFromThisMachine, requireAdmin })); // README "The outbox"
  app.use(makeDelay(options.delay)); // before the access decision: see http/delay.ts
  app.use(auth.authenticator.recheckAfterDelay); // a session that ended during the delay is over: no stale caller
  app.use(access.guard); // resolves the request as json-server would, and refuses early
  if (options.middlewares.length > 0) app.use(options.middlewares, onlyResolved); // after the guard: they see only allowed requests
  app.use(jsonServer.router); // the data gate decides again, right before each data step
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
