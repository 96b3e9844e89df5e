import bcrypt from 'bcryptjs';
import { dbCollectionSource } from './account-sources';
import { AccountStore } from './account-store';
import { FileChangedOnDiskError } from '../files/errors';

const HASH = bcrypt.hashSync('secret-1', 4);

/** A store on accounts held in memory (a db.json users collection without a file): no disk, only the rules. */
async function storeOf(save: (records: unknown[]) => Promise<void> = async () => undefined) {
  return AccountStore.open(dbCollectionSource('db.json (users)', [{ id: 1, email: 'ann@example.com', password: HASH }], save));
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { code?: string }) => error.code,
  );

describe('AccountStore rules', () => {
  it('gives one account per email, compared case-insensitively, and counts ids on', async () => {
    const store = await storeOf();
    expect(await codeOf(store.create({ email: 'ANN@example.com' }, HASH))).toBe('ERR_EMAIL_TAKEN');
    expect((await store.create({ email: 'bob@example.com' }, HASH)).id).toBe(2);
    expect(await codeOf(store.update('2', (account) => ({ ...account, email: 'ann@example.com' })))).toBe('ERR_EMAIL_TAKEN');
  });

  it('refuses new accounts once closed, saying why', async () => {
    const store = await storeOf();
    store.refuseNewAccounts('Registration is closed.');
    await expect(store.create({ email: 'bob@example.com' }, HASH)).rejects.toMatchObject({
      code: 'ERR_REGISTRATION_CLOSED',
      message: 'Registration is closed.',
    });
  });

  it('keeps nothing of a change it could not save, and undoes what was done alongside it', async () => {
    const store = await storeOf(async () => {
      throw new FileChangedOnDiskError('db.json', 'edited by hand');
    });
    const alongside: string[] = [];
    const change = store.update(
      '1',
      (account) => ({ ...account, email: 'new@example.com' }),
      (before, after) => alongside.push(`${before.email} -> ${after.email}`),
    );
    await expect(change).rejects.toBeInstanceOf(FileChangedOnDiskError);
    expect(store.snapshot().map(({ email }) => email)).toEqual(['ann@example.com']);
    expect(alongside).toEqual(['ann@example.com -> new@example.com', 'new@example.com -> ann@example.com']);
  });
});
