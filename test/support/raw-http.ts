import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface RawRequest {
  method?: string;
  /** Sent exactly as written: no normalizing of `..` or of %-escapes, as fetch would do. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One request over a real socket to a server on 127.0.0.1, with any headers a browser (or an attacker's page)
 * could make it send, Host and Origin included.
 */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const headers = { ...request.headers };
  if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ host: hostname, port, method: request.method ?? 'GET', path: request.path, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** The refresh cookie a response sets, if any. */
export const refreshCookieOf = (response: RawResponse): string | undefined =>
  ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((line) => line.startsWith('fja_refresh='));
