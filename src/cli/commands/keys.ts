import path from 'node:path';
import type { Command } from 'commander';
import { addKeyPair, ASYMMETRIC_ALGORITHMS, currentKey, readKeyPairs, stillVerifies, type AsymmetricAlgorithm } from '../../auth/key-pairs';
import { defaultStateDir, statePaths } from '../../state/state-dir';
import { commanderOption, usersFileOption } from '../program';

interface KeysOptions {
  users: string;
  stateDir?: string;
  alg?: AsymmetricAlgorithm;
}

const keysFile = (options: KeysOptions) =>
  statePaths(options.stateDir === undefined ? defaultStateDir(path.resolve(options.users)) : path.resolve(options.stateDir)).keys;

/** `keys list`: one line a key pair: kid, algorithm, created, and whether it signs, is next, or only verifies until when. */
export function listKeys(options: KeysOptions, now = Date.now()): string {
  const pairs = readKeyPairs(keysFile(options)).filter((pair) => stillVerifies(pair, now));
  if (pairs.length === 0) return 'no key pairs yet: a start with --alg RS256, ES256 or EdDSA generates one\n';
  const newest = currentKey(pairs);
  return pairs
    .map((pair) => {
      const status =
        pair.retiredAt !== undefined
          ? `verifies until ${new Date(pair.retiredAt + pair.longestTtlSeconds * 1000).toISOString()}`
          : pair === newest
            ? 'signs from the next start (or signs now)'
            : 'signs until the next start';
      return `${pair.kid}  ${pair.alg}  created ${new Date(pair.createdAt).toISOString()}  ${status}\n`;
    })
    .join('');
}

/** `keys rotate`: a new key pair; the next start signs with it and retires the old one, which verifies until its tokens expire. */
export async function rotateKeys(options: KeysOptions, now = Date.now()): Promise<string> {
  const added = await addKeyPair(keysFile(options), options.alg, now);
  return `${added.kid}  ${added.alg}: signs from the next start; the current key verifies until every token it signed has expired\n`;
}

export function addKeysCommand(program: Command): void {
  const keys = program.command('keys').description('the key pairs tokens are signed with (.fake-jwt-api/keys.json): list, rotate');
  keys
    .command('list')
    .description('show the key pairs: kid, algorithm, and which signs')
    .addOption(usersFileOption())
    .addOption(commanderOption('stateDir'))
    .action((options: KeysOptions) => void process.stdout.write(listKeys(options)));
  keys
    .command('rotate')
    .description('make a new key pair, which signs from the next start; the old one stays in the JWKS until its tokens expire')
    .addOption(usersFileOption())
    .addOption(commanderOption('stateDir'))
    .addOption(commanderOption('alg', { help: `the new key's algorithm, ${ASYMMETRIC_ALGORITHMS.join(', ')} (default: the current key's)` }))
    .action(async (options: KeysOptions) => void process.stdout.write(await rotateKeys(options)));
}
