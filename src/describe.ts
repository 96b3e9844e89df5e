import type { DefaultAccess } from './access/guard';
import type { Resource } from './access/resolve';
import { roleOf, type Account } from './store/accounts-file';
import { USERS_COLLECTION } from './store/database';

/** What the server offers, for the banner and the home page: one description, two renderings. */
export interface ResourceDescription {
  name: string;
  kind: Resource['kind'];
  read: string;
  write: string;
}

export interface ApiDescription {
  resources: ResourceDescription[];
  accounts: Array<{ email: string; role: string }>;
  rewrites: Record<string, string>;
}

export interface DescribeInput {
  resources: Iterable<Resource>;
  accounts: readonly Account[];
  rewrites: Record<string, string>;
  defaultAccess: DefaultAccess;
  readOnly: boolean;
  virtualUsers: boolean;
}

export function describeApi(input: DescribeInput): ApiDescription {
  const resources = [...input.resources].map(({ name, kind }): ResourceDescription => {
    let write: string = input.defaultAccess;
    if (input.readOnly) write = 'nobody (--read-only)';
    else if (input.virtualUsers && name === USERS_COLLECTION) write = 'nobody (accounts change through /auth)';
    return { name, kind, read: input.defaultAccess, write };
  });
  resources.push({ name: 'db', kind: 'singular', read: 'admin', write: 'nobody' });
  return {
    resources,
    accounts: input.accounts.map((account) => ({ email: account.email, role: roleOf(account) })),
    rewrites: input.rewrites,
  };
}
