/** The data and the project folder each tool of the bench gets: the same records, and each tool's own accounts. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';

export type Tool = 'json-server' | 'json-server-auth' | 'fake-jwt-api';

export const ACCOUNT = { email: 'bench@example.com', password: 'bench-password' };

export function posts(count: number, bodyLength: number) {
  return Array.from({ length: count }, (_, index) => ({ id: index + 1, title: `post ${index + 1}`, body: 'lorem ipsum '.repeat(bodyLength / 12), userId: 1 }));
}

/** Notes of two owners, alternating: the account measured owns half. */
export function notes(count: number) {
  return Array.from({ length: count }, (_, index) => ({ id: index + 1, text: `note ${index + 1}`, userId: (index % 2) + 1 }));
}

/** The same data for each tool, with what each needs for accounts and for "authenticated only" on posts. */
export function writeProject(tool: Tool, data: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${tool}-`));
  if (tool === 'json-server-auth') {
    const users = [{ id: 1, email: ACCOUNT.email, password: bcrypt.hashSync(ACCOUNT.password, 10) }];
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ ...data, users }));
    // Logged-in users read and write posts; notes are their owner's (json-server-auth filters lists by userId).
    writeFileSync(path.join(dir, 'routes.json'), JSON.stringify({ posts: 660, notes: 600 }));
  } else {
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify(data));
    if (tool === 'fake-jwt-api') {
      writeFileSync(path.join(dir, 'users.json'), JSON.stringify([{ id: 1, ...ACCOUNT }]));
      writeFileSync(path.join(dir, 'routes.json'), JSON.stringify({ '/notes': { '*': 'owner' } }));
    }
  }
  return dir;
}
