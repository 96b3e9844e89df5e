/**
 * --trust from the command line (README "Use your own identity provider"): the banner names each trusted issuer and
 * whether any audience counts; a flag that is no URL is a usage error; an issuer that is not up is a warning, and the
 * server serves, and takes its tokens once it answers. The provider is oauth2-mock-server in a child process.
 */
import { call, errorCodeOf, freePort, login, pollUntil, runCli, SAMPLE_FILES, useCliProject } from '../support';
import { useMockIdps } from '../support/mock-idp';

const { project, start } = useCliProject(SAMPLE_FILES);
const startIdp = useMockIdps();

/** The banner's lines about trusted issuers, trimmed. */
const trustedLines = (banner: string) => banner.split('\n').filter((line) => line.trim().startsWith('Trusted'));

describe('--trust <issuer-url>', () => {
  it('names the issuer in the banner, says any audience is accepted, and takes its tokens', async () => {
    const idp = await startIdp();
    const cli = await start(['db.json', '--trust', idp.issuer]);
    const [line] = trustedLines(cli.output());
    expect(line).toContain(idp.issuer);
    expect(line).toMatch(/any audience/);
    const me = await call(`${cli.url}/auth/me`, 'GET', undefined, await idp.token({ sub: 'ext-cli', email: 'carol@elsewhere.test' }));
    expect(me).toMatchObject({ status: 200, body: { id: 'ext-cli', issuer: idp.issuer } });
    // Our own logins work beside it.
    expect((await call(`${cli.url}/auth/me`, 'GET', undefined, await login(cli.url, 'alice@example.com', 'alice123'))).body.id).toBe(2);
  });

  it('with --trust-audience names the audience instead, and refuses a token for another', async () => {
    const idp = await startIdp();
    const cli = await start(['db.json', '--trust', idp.issuer, '--trust-audience', 'api://notes']);
    const [line] = trustedLines(cli.output());
    expect(line).toContain(idp.issuer);
    expect(line).toContain('api://notes');
    expect(line).not.toMatch(/any audience/);
    expect((await call(`${cli.url}/auth/me`, 'GET', undefined, await idp.token({ aud: 'api://notes' }))).status).toBe(200);
    const other = await call(`${cli.url}/auth/me`, 'GET', undefined, await idp.token({ aud: 'api://other' }));
    expect({ status: other.status, error: other.body.error }).toEqual({ status: 401, error: 'invalid_token' });
  });

  it('that is not a URL exits 2 with ERR_OPTION, naming the flag', async () => {
    const result = await runCli(['db.json', '--trust', 'not-a-url'], project.dir);
    expect(result.code).toBe(2);
    expect(errorCodeOf(result.stderr)).toBe('ERR_OPTION');
    expect(result.stderr).toMatch(/trust/);
  });

  it('unreachable at start is a warning naming it; the server serves, and takes its tokens once it is up', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const cli = await start(['db.json', '--trust', issuer]);
    expect(
      cli
        .output()
        .split('\n')
        .filter((line) => /warning/i.test(line) && line.includes(issuer)),
    ).toHaveLength(1);
    expect((await call(`${cli.url}/posts`, 'GET', undefined, await login(cli.url, 'bob@example.com', 'bob12345'))).status).toBe(200);

    const idp = await startIdp({ port });
    const token = await idp.token({ sub: 'ext-late' });
    const started = Date.now();
    // A token of it retries the fetch at most every 2 s: within about that, one gets through.
    const me = await pollUntil(
      () => call(`${cli.url}/auth/me`, 'GET', undefined, token),
      (response) => response.status === 200,
      40,
      100,
    );
    expect(me).toMatchObject({ status: 200, body: { id: 'ext-late' } });
    expect(Date.now() - started).toBeLessThan(3500);
  });
});
