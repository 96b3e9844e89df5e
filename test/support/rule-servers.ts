import { SAMPLE_LOGINS, SAMPLE_USERS } from './project';
import { callersOf, loginAll } from './requests';
import { useServer } from './server';

export type RuleCaller = keyof typeof SAMPLE_LOGINS | 'anonymous';

/**
 * Servers for a table of access rules: fresh in-memory data from `data()` for each server, the SAMPLE_USERS accounts
 * in one users.json for the file, admin, alice and bob logged in once before the tests; every server closed.
 */
export function useRuleServers(data: () => Record<string, unknown>, defaultRoutes: object) {
  const { project, serve: serveProject } = useServer({ files: { 'users.json': SAMPLE_USERS }, scope: 'file' });
  const tokens: Partial<Record<keyof typeof SAMPLE_LOGINS, string>> = {};
  const serve = (routes: object = defaultRoutes) => serveProject({ db: data(), users: project.file('users.json'), routes: routes as Record<string, unknown> });
  beforeAll(async () => {
    Object.assign(tokens, await loginAll((await serve()).app, SAMPLE_LOGINS));
  });
  return { project, serve, as: callersOf(tokens) };
}
