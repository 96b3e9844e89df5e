/**
 * `fake-jwt-api openapi db.json -o <file>` as a user runs it (README "OpenAPI and typed clients"): -o must never name
 * one of the server's own files, nor an unrelated file of the user's; an earlier document is replaced, atomically.
 */
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { errorCodeOf, runCli, SAMPLE_DB, SAMPLE_USERS, useCliProject } from '../support';

const FILES = {
  'db.json': SAMPLE_DB,
  'users.json': SAMPLE_USERS,
  'routes.json': { '/posts': { read: 'public' } },
  'json-server.json': { port: 3001 },
  '.fake-jwt-api/x.json': { kept: true },
  'notes.txt': 'my notes\n',
};

describe('fake-jwt-api openapi -o', () => {
  const { project } = useCliProject(FILES);
  const bytes = (name: string) => readFileSync(project.file(name));

  it.each([
    ['users.json', 'users.json', /the users file/],
    ['db.json', 'db.json', /the db file/],
    ['routes.json', 'routes.json', /the routes file/],
    ['json-server.json', 'json-server.json', /the config file/],
    ['.fake-jwt-api/x.json', '.fake-jwt-api/x.json', /inside the state folder/],
    ['link.json (a symlink to users.json)', 'users.json', /the users file/],
    ['notes.txt', 'notes.txt', /not an OpenAPI document/],
  ])('refuses %s with exit 2 and leaves the file as it was', async (name, file, why) => {
    symlinkSync('users.json', project.file('link.json'));
    const output = name.split(' ')[0];
    const before = bytes(file);
    const run = await runCli(['openapi', 'db.json', '-o', output], project.dir);
    expect(run.code).toBe(2);
    expect(errorCodeOf(run.stderr)).toBe('ERR_OPTION');
    expect(run.stderr).toMatch(why);
    expect(run.stderr).toContain('openapi.json');
    expect(bytes(file).equals(before)).toBe(true);
  });

  it('replaces an earlier document, JSON or YAML, and writes a new name', async () => {
    project.write('openapi.json', { openapi: '3.0.0', paths: {} });
    project.write('openapi.yaml', 'openapi: 3.0.0\npaths: {}\n');
    for (const output of ['openapi.json', 'openapi.yaml', 'schema.json']) {
      const run = await runCli(['openapi', 'db.json', '-o', output], project.dir);
      expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    }
    expect((project.json('openapi.json') as { openapi: string }).openapi).toBe('3.1.0');
    expect(project.read('openapi.yaml')).toMatch(/^openapi: 3\.1\.0\n/);
    expect((project.json('schema.json') as { openapi: string }).openapi).toBe('3.1.0');
    // Written atomically: no temporary file is left beside it.
    expect(readdirSync(project.dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
