/**
 * A JSON document of a trusted identity provider (its discovery document, its JWKS), fetched from a URL the server
 * was configured with and never one a token names. Bounded in time and size: a slow or huge answer must not hold a
 * request for long or fill the memory.
 */
const FETCH_TIMEOUT_MS = 5000;
const MAX_DOCUMENT_BYTES = 512 * 1024;

/** Why a document could not be had, in words for a warning and an error_description. */
export class FetchFailure extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the server answered one that is not 2xx. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FetchFailure';
  }
}

async function boundedText(response: Response, url: string): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_DOCUMENT_BYTES) {
      await reader.cancel();
      throw new FetchFailure(`${url} answered more than ${MAX_DOCUMENT_BYTES / 1024} KiB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A value a provider sent, for a warning or an error_description: quoted, short, every invisible or control character escaped. */
export function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  const short = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return short.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

export async function fetchJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    // No redirects: the URL the server was given is the one it reads (the discovery document names the JWKS's).
    response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    // undici puts the reason in `cause` (ECONNREFUSED, ENOTFOUND, "bad port"); a timeout is the error itself.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (error as Error).name === 'TimeoutError' ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new FetchFailure(`${url} did not answer (${why})`);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new FetchFailure(`${url} redirects to ${quoted(response.headers.get('location') ?? 'elsewhere')}; give the final URL (--trust-jwks for the JWKS)`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new FetchFailure(`${url} answered ${response.status}`, response.status);
  }
  let text: string;
  try {
    text = await boundedText(response, url);
  } catch (error) {
    if (error instanceof FetchFailure) throw error;
    throw new FetchFailure(
      `${url} did not finish its answer (${(error as Error).name === 'TimeoutError' ? `not within ${FETCH_TIMEOUT_MS / 1000} s` : (error as Error).message})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FetchFailure(`${url} did not answer JSON`);
  }
}
