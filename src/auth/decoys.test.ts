import { createSecretKey, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Account } from '../accounts/accounts-file';
import { makeDecoyFor } from './decoys';
import { hashCost, NEW_HASH_COST, verifyPassword } from '../accounts/passwords';

const key = createSecretKey(randomBytes(32));
const scryptHash = '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=';
const bcryptHash = bcrypt.hashSync('secret', 4);
const account = (id: number, password: string): Account => ({ id, email: `user${id}@example.com`, password });
const emails = Array.from({ length: 400 }, (_, index) => `unknown${index}@example.com`);

describe('login decoys', () => {
  it('give each unknown email one decoy, of a cost the accounts use, the same whatever its letter case', () => {
    const accounts = [account(1, scryptHash), account(2, bcryptHash)];
    const decoyFor = makeDecoyFor(key, () => accounts);
    for (const email of emails.slice(0, 20)) {
      expect([hashCost(scryptHash), hashCost(bcryptHash)]).toContain(hashCost(decoyFor(email)));
      expect(decoyFor(email.toUpperCase())).toBe(decoyFor(email));
    }
  });

  it('pick the costs in proportion to the accounts using each', () => {
    const accounts = [account(1, scryptHash), ...[2, 3, 4].map((id) => account(id, bcryptHash))];
    const decoyFor = makeDecoyFor(key, () => accounts);
    const bcryptShare = emails.filter((email) => hashCost(decoyFor(email)) === '$2b$04$').length / emails.length;
    expect(bcryptShare).toBeGreaterThan(0.65);
    expect(bcryptShare).toBeLessThan(0.85);
  });

  it('follow the accounts when they change, and use the cost of new hashes when there are none', () => {
    let accounts = [account(1, bcryptHash)];
    const decoyFor = makeDecoyFor(key, () => accounts);
    expect(hashCost(decoyFor(emails[0]))).toBe('$2b$04$');
    accounts = [account(1, scryptHash)];
    expect(hashCost(decoyFor(emails[0]))).toBe(hashCost(scryptHash));
    accounts = [];
    expect(hashCost(decoyFor(emails[0]))).toBe(NEW_HASH_COST);
  });

  it('never match a password', async () => {
    const decoyFor = makeDecoyFor(key, () => [account(1, bcryptHash)]);
    expect(await verifyPassword('secret', decoyFor(emails[0]))).toBe(false);
    expect(await verifyPassword('', decoyFor(emails[1]))).toBe(false);
  });
});
