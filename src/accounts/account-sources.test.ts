import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { usersFileSource } from './account-sources';
import { AccountStore } from './account-store';
import { STATE_DIR_NAME } from '../state/state-dir';

const HASH = bcrypt.hashSync('secret-1', 4);
const NO_MARKS = { highest: 0, byEmail: {} };

describe('usersFileSource and AccountStore on a shared users.json', () => {
  let dir: string;
  let file: string;
  let stateDir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'account-sources-'));
    file = path.join(dir, 'users.json');
    stateDir = path.join(dir, STATE_DIR_NAME);
    writeFileSync(file, JSON.stringify([{ id: 1, email: 'ann@example.com', password: HASH }]));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sees an edit that keeps the size by its content; a touch alone is no change', async () => {
    const source = usersFileSource(file, stateDir);
    await source.read(NO_MARKS, new Map());
    expect(await source.changed()).toBe(false);
    writeFileSync(file, readFileSync(file, 'utf8').replace('ann@', 'bob@'));
    expect(await source.changed()).toBe(true);
    await source.read(NO_MARKS, new Map());
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(await source.mayHaveChanged()).toBe(true);
    expect(await source.changed()).toBe(false);
    expect(await source.mayHaveChanged()).toBe(false);
  });

  it('makes each change on what the other store wrote, never on its own older copy', async () => {
    const [first, second] = await Promise.all([AccountStore.open(usersFileSource(file, stateDir)), AccountStore.open(usersFileSource(file, stateDir))]);
    await Promise.all([first.create({ email: 'carol@example.com' }, HASH), second.create({ email: 'dave@example.com' }, HASH)]);
    await first.update('1', (account) => ({ ...account, name: 'Ann' }));
    expect(await second.remove('1')).toBe(true);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Array<{ id: number; email: string }>;
    expect(stored.map((account) => account.email).sort()).toEqual(['carol@example.com', 'dave@example.com']);
    expect(new Set(stored.map((account) => account.id)).size).toBe(2);
    expect((await first.findByEmail('ann@example.com'))?.email).toBeUndefined();
  });
});
