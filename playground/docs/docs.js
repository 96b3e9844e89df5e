// GET /docs (README "OpenAPI and typed clients"): Swagger UI over this server's /openapi.json, from the
// swagger-ui-dist package this server ships: no CDN, and nothing leaves the machine (no online validator badge).
// The playground hands over its access token in the fragment (/docs#token=…), never in the query: a fragment is
// not sent to the server nor written to its log. It is taken at once and removed from the address bar.
/* global SwaggerUIBundle */

const handedToken = new URLSearchParams(window.location.hash.slice(1)).get('token');
if (handedToken) window.history.replaceState(null, '', window.location.pathname + window.location.search);

window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: false,
  validatorUrl: null,
  // Swagger UI's own page finishes an OAuth sign-in (the openId scheme): served beside this one.
  oauth2RedirectUrl: `${window.location.origin}${window.location.pathname}/oauth2-redirect.html`,
  tryItOutEnabled: true,
  persistAuthorization: false,
  onComplete: () => {
    if (handedToken) window.ui.preauthorizeApiKey('bearerAuth', handedToken);
  },
});
