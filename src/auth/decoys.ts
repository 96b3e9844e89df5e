import { createHmac, type KeyObject } from 'node:crypto';
import { emailKey, type Account } from '../accounts/accounts-file';
import { decoyHash, hashCost, NEW_HASH_COST } from '../accounts/passwords';

/** The hash a login for an unknown email is checked against. */
export type DecoyFor = (email: string) => string;

/**
 * Decoys for logins with an unknown email, so that one costs what a real account's check costs. A single decoy
 * would not do: accounts carried over from json-server-auth have bcrypt hashes, twice as slow as ours, and an
 * email answered at the wrong speed is known not to exist. So there is a decoy for each scheme and cost the
 * accounts use, and an unknown email gets one picked from the email by an HMAC under a key of the server's, in
 * proportion to the accounts using each: each unknown email always behaves like one same existing account, and
 * unknown emails together take the times the accounts take. Picked afresh when the accounts change.
 */
export function makeDecoyFor(serverKey: KeyObject, accounts: () => readonly Account[]): DecoyFor {
  // A key of its own, derived from the signing key: kept across restarts, so a guess's timing does not change.
  const pickKey = createHmac('sha256', serverKey).update('fake-jwt-api login decoys').digest();
  const decoys = new Map<string, string>();
  const decoyOf = (cost: string) => {
    let decoy = decoys.get(cost);
    if (decoy === undefined) decoys.set(cost, (decoy = decoyHash(cost)));
    return decoy;
  };
  let costs: { of: readonly Account[]; weighted: Array<{ cost: string; upTo: number }>; total: number } | undefined;

  function weightedCosts(list: readonly Account[]) {
    const counts = new Map<string, number>();
    for (const account of list) {
      const cost = hashCost(account.password);
      if (cost !== undefined) counts.set(cost, (counts.get(cost) ?? 0) + 1);
    }
    if (counts.size === 0) counts.set(NEW_HASH_COST, 1); // no accounts yet: registration makes this kind
    let total = 0;
    const weighted = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([cost, count]) => ({ cost, upTo: (total += count) }));
    return { of: list, weighted, total };
  }

  return function decoyFor(email) {
    const list = accounts();
    if (costs?.of !== list) costs = weightedCosts(list);
    const pick = createHmac('sha256', pickKey).update(emailKey(email)).digest().readUIntBE(0, 6) % costs.total;
    return decoyOf(costs.weighted.find(({ upTo }) => pick < upTo)!.cost);
  };
}
