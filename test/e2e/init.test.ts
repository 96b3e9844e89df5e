import { existsSync } from 'node:fs';
import { errorCodeOf, makeProject, runCli } from '../support';

describe('fake-jwt-api init', () => {
  it('writes the starter files and ignores the state folder in .gitignore', async () => {
    const project = makeProject({ '.gitignore': 'node_modules/' });
    const result = await runCli(['init'], project.dir);
    expect(result.code).toBe(0);
    for (const name of ['db.json', 'users.json', 'routes.json']) expect(existsSync(project.file(name))).toBe(true);
    expect(project.read('.gitignore')).toBe('node_modules/\n.fake-jwt-api/\n');
    expect(result.stdout).toContain('Next: npx fake-jwt-api db.json');
    project.cleanup();
  });

  it('refuses to overwrite without --force, writing nothing, and overwrites with it', async () => {
    const project = makeProject({ 'db.json': { mine: [] } });
    const refused = await runCli(['init'], project.dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(errorCodeOf(refused.stderr)).toBe('ERR_FILE_EXISTS');
    expect(refused.stderr).toMatch(/db\.json already exists; pass --force/);
    expect(project.json('db.json')).toEqual({ mine: [] });
    expect(existsSync(project.file('users.json'))).toBe(false);
    const forced = await runCli(['init', '--force'], project.dir);
    expect(forced.code).toBe(0);
    expect(project.json('db.json')).toHaveProperty('posts');
    await runCli(['init', '--force'], project.dir);
    expect(project.read('.gitignore')).toBe('.fake-jwt-api/\n'); // once
    project.cleanup();
  });

  it('writes into a folder it names, creating it', async () => {
    const project = makeProject({});
    expect((await runCli(['init', 'api'], project.dir)).code).toBe(0);
    expect(existsSync(project.file('api/users.json'))).toBe(true);
    project.cleanup();
  });
});
