import path from 'node:path';
import type { Command } from 'commander';
import { addKeyPair, ASYMMETRIC_ALGORITHMS, currentKey, readKeyPairs, stillVerifies, type AsymmetricAlgorithm, type KeyPair } from '../../auth/key-pairs';
import { DEFAULT_ALG } from '../../config/resolve-tokens';
import { defaultStateDir, statePaths } from '../../state/state-dir';
import { commanderOption, usersFileOption } from '../program';

interface KeysOptions {
  users: string;
  stateDir?: string;
  alg?: AsymmetricAlgorithm;
}

const keysFile = (options: KeysOptions) =>
  statePaths(options.stateDir === undefined ? defaultStateDir(path.resolve(options.users)) : path.resolve(options.stateDir)).keys;

/**
 * A start signs with the newest key of its --alg and retires every other one (key-pairs.ts prepareSigningKey): a
 * key of another algorithm than the server's never signs. RS256 is a start without --alg.
 */
const nextStartOf = (alg: AsymmetricAlgorithm) => (alg === DEFAULT_ALG ? 'the next start' : `the next start of a server started with --alg ${alg}`);
const startWith = (alg: AsymmetricAlgorithm) => (alg === DEFAULT_ALG ? 'a start without --alg' : `a start with --alg ${alg}`);

/**
 * The key the last start signs with: a start retires every other key, so it is the oldest one not retired (the
 * keys of `keys rotate` and of a `token --alg` come after it).
 */
const lastStartKey = (pairs: readonly KeyPair[]) => pairs.filter((pair) => pair.retiredAt === undefined).sort((a, b) => a.createdAt - b.createdAt)[0];

/** `keys list`: one line a key pair: kid, algorithm, created, and whether it signs, is next, or only verifies until when. */
export function listKeys(options: KeysOptions, now = Date.now()): string {
  const pairs = readKeyPairs(keysFile(options)).filter((pair) => stillVerifies(pair, now));
  if (pairs.length === 0) return 'no key pairs yet: a start with --alg RS256, ES256 or EdDSA generates one\n';
  return pairs
    .map((pair) => {
      const status =
        pair.retiredAt !== undefined
          ? `verifies until ${new Date(pair.retiredAt + pair.longestTtlSeconds * 1000).toISOString()}`
          : pair === currentKey(pairs, pair.alg)
            ? `signs from ${nextStartOf(pair.alg)} (or signs now)`
            : 'signs until the next start';
      return `${pair.kid}  ${pair.alg}  created ${new Date(pair.createdAt).toISOString()}  ${status}\n`;
    })
    .join('');
}

/**
 * `keys rotate`: a new key pair; the next start of a server with its algorithm signs with it and retires the old
 * one, which verifies until its tokens expire. Said plainly when the new key's algorithm is not the one that signs
 * now: a start with the old --alg retires the new key without signing with it.
 */
export async function rotateKeys(options: KeysOptions, now = Date.now()): Promise<string> {
  const file = keysFile(options);
  const signingNow = lastStartKey(readKeyPairs(file).filter((pair) => stillVerifies(pair, now)));
  const added = await addKeyPair(file, options.alg ?? signingNow?.alg, now);
  const retires = signingNow === undefined ? '' : ', and the key that signs now then only verifies, until every token it signed has expired';
  const said = `${added.kid}  ${added.alg}: a new ${added.alg} key pair; it signs from ${nextStartOf(added.alg)}${retires}\n`;
  if (signingNow === undefined || signingNow.alg === added.alg) return said;
  return `${said}the key that signs now (${signingNow.kid}) is ${signingNow.alg}: ${startWith(signingNow.alg)} keeps signing ${signingNow.alg} and retires ${added.kid} without signing with it\n`;
}

const stateDirOption = () =>
  commanderOption('stateDir', { help: "the server's --state-dir, where keys.json is (default: .fake-jwt-api beside the accounts file)" });

export function addKeysCommand(program: Command): void {
  const keys = program.command('keys').description('the key pairs tokens are signed with (.fake-jwt-api/keys.json): list, rotate');
  keys
    .command('list')
    .description('show the key pairs: kid, algorithm, and which signs')
    .addOption(usersFileOption())
    .addOption(stateDirOption())
    .action((options: KeysOptions) => void process.stdout.write(listKeys(options)));
  keys
    .command('rotate')
    .description(
      'make a new key pair, which signs from the next start of a server started with its algorithm (RS256: without --alg); the old one stays in the JWKS until its tokens expire',
    )
    .addOption(usersFileOption())
    .addOption(stateDirOption())
    // HS256 is the server's secret, not a key pair: there is nothing to rotate.
    .addOption(
      commanderOption('alg', {
        help: `the new key's algorithm; a server signs with it only when started with the same --alg (default: the algorithm of the key that signs now, else ${DEFAULT_ALG})`,
      }).choices(ASYMMETRIC_ALGORITHMS),
    )
    .action(async (options: KeysOptions) => void process.stdout.write(await rotateKeys(options)));
}
