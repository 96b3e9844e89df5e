import { providerPathsOf, type ProviderPaths } from './paths';
import { KNOWN_SCOPES, RESPONSE_MODES } from './authorization-request';

/**
 * What discovery (OpenID Connect Discovery 1.0 §3, RFC 8414 §2) says of the provider's endpoints and what they
 * support; the JWKS, the issuer and the signing algorithms are auth/well-known-routes.ts's.
 */
export function providerMetadata(
  origin: string,
  {
    confidentialClients = false,
    clientCredentials = false,
    paths = providerPathsOf(),
  }: { confidentialClients?: boolean; clientCredentials?: boolean; paths?: ProviderPaths } = {},
): Record<string, unknown> {
  return {
    // The preset's paths (--provider-paths), where a library that reads discovery would find them too.
    authorization_endpoint: `${origin}${paths.authorize}`,
    token_endpoint: `${origin}${paths.token}`,
    userinfo_endpoint: `${origin}${paths.userinfo}`,
    end_session_endpoint: `${origin}${paths.endSession}`,
    response_types_supported: ['code'],
    response_modes_supported: [...RESPONSE_MODES],
    // client_credentials only when a client of the clients list may use it: no other client could.
    grant_types_supported: ['authorization_code', 'refresh_token', ...(clientCredentials ? ['client_credentials'] : [])],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [...KNOWN_SCOPES],
    // Public clients: the client_id is all a client sends (a secret, when one comes, is ignored); the confidential
    // clients of the clients list send their secret (RFC 6749 §2.3.1).
    token_endpoint_auth_methods_supported: confidentialClients ? ['none', 'client_secret_basic', 'client_secret_post'] : ['none'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid', 'email', 'email_verified', 'name'],
    prompt_values_supported: ['none', 'login'],
    authorization_response_iss_parameter_supported: true,
  };
}
