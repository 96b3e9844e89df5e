import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeTextAtomic } from '../files/atomic';
import { composeMessage, formatAddress, newMessageId, requireOneLine } from './message';
import { readMessage } from './read-message';
import type { MailRelay } from './smtp-relay';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
}

export interface StoredMail {
  id: string;
  from: string;
  to: string;
  subject: string;
  /** ISO 8601, to the second (a Date header's precision). */
  date: string;
  messageId: string;
  text: string;
  html: string;
  links: string[];
}

export interface Outbox {
  /**
   * Queues the message: returns at once (a caller answering before it is written keeps its timing the same whether
   * or not a mail goes out). Throws a TypeError at once for a header value that is not one line (header injection).
   */
  send(mail: OutgoingMail): void;
  /**
   * Queues a mail that takes work to make (an account looked up, a link's token written) — or none, when the work
   * finds nothing to send. settled() waits for it too, and a failure is said on the console, not lost.
   */
  sendLater(make: () => Promise<OutgoingMail | undefined>, what: string): void;
  /** Resolves once every queued message is on disk, and relayed to --smtp's server (or failed to be). */
  settled(): Promise<void>;
  /** Newest first; `to` is compared case-insensitively. Waits for the queued messages. */
  list(filter?: { to?: string }): Promise<StoredMail[]>;
  get(id: string): Promise<StoredMail | undefined>;
  /** The newest message to `to`: what a test suite reads after a "forgot password". */
  latest(to: string): Promise<StoredMail | undefined>;
  /** Removes every message's file (reset() and DELETE /__outbox). */
  clear(): Promise<void>;
}

export interface OutboxOptions {
  /** The folder of the .eml files (state-dir.ts: `.fake-jwt-api/outbox/`). */
  dir: string;
  /** The From header: `fake-jwt-api <no-reply@fake-jwt-api.local>`. */
  from: string;
  now: () => number;
  /** One console line per message; the caller's log respects --quiet. */
  log: (line: string) => void;
  /** How many messages the folder keeps: the oldest beyond it are deleted. */
  limit?: number;
  /** --smtp: each message, once its file is written, also sent there (smtp-relay.ts). */
  relay?: MailRelay;
}

export const OUTBOX_LIMIT = 1000;

/**
 * `20261202T153012Z-00002s-9f86d081`: the clock's second, then a sequence (messages of one second keep their order),
 * then random (two servers sharing a folder never collide). Names sort as the messages were sent; files whose names
 * are not ids are not the outbox's, and are left alone.
 */
const ID = /^\d{8}T\d{6}Z-[0-9a-z]{6}-[0-9a-f]{8}$/;
const FILE_SUFFIX = '.eml';

const stampOf = (milliseconds: number) =>
  new Date(milliseconds)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
const sequenceOf = (id: string) => parseInt(id.split('-')[1], 36);

/** The ids of the messages in the folder, oldest first; none when it does not exist yet. */
async function storedIds(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return names
    .filter((name) => name.endsWith(FILE_SUFFIX) && ID.test(name.slice(0, -FILE_SUFFIX.length)))
    .map((name) => name.slice(0, -FILE_SUFFIX.length))
    .sort();
}

const consoleLine = (mail: OutgoingMail) => `Mail to ${mail.to}: ${JSON.stringify(mail.subject)}${mail.links.length > 0 ? ` ${mail.links[0]}` : ''}`;

/**
 * The message files of the folder, parsed once each: a file, once written, never changes, so the cache keyed by id
 * is only forgotten when the file goes.
 */
function mailFiles(dir: string) {
  const file = (id: string) => path.join(dir, `${id}${FILE_SUFFIX}`);
  const cache = new Map<string, StoredMail>();
  return {
    file,
    async read(id: string): Promise<StoredMail | undefined> {
      const cached = cache.get(id);
      if (cached) return cached;
      const raw = await readFile(file(id), 'utf8').catch(() => undefined);
      const message = raw === undefined ? undefined : readMessage(raw);
      if (!message) return undefined;
      const stored = { id, ...message };
      cache.set(id, stored);
      return stored;
    },
    async remove(id: string): Promise<void> {
      cache.delete(id);
      await unlink(file(id)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    },
    /** Forgets the files removed by hand. */
    keepOnly(ids: string[]): void {
      const onDisk = new Set(ids);
      for (const id of cache.keys()) if (!onDisk.has(id)) cache.delete(id);
    },
  };
}

/**
 * The dev outbox (README "The outbox"): each message a real .eml file, written atomically with mode 0600 (its
 * links carry tokens). The folder is the truth, so the messages outlive a restart and a test may read the files.
 */
export function makeOutbox({ dir, from, now, log, limit = OUTBOX_LIMIT, relay }: OutboxOptions): Outbox {
  requireOneLine('From', from);
  const files = mailFiles(dir);
  let queue = Promise.resolve();
  let nextSequence: number | undefined;

  /** Writes and removals run one after another, in the order asked; a failure is said and the queue goes on. */
  function enqueue(task: () => Promise<void>, failure: string): Promise<void> {
    const run = queue.then(task);
    queue = run.catch((error: unknown) => console.error(`fake-jwt-api: ${failure} in ${dir}: ${(error as Error).message}`));
    return run;
  }

  async function store(mail: OutgoingMail, text: string, date: number): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const ids = await storedIds(dir);
    nextSequence ??= Math.max(0, ...ids.map(sequenceOf)) + 1; // after a restart, after the messages already there
    const id = `${stampOf(date)}-${(nextSequence++).toString(36).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
    await writeTextAtomic(files.file(id), text, 0o600);
    log(consoleLine(mail));
    // The file first: a relay that fails loses nothing. The To as written (`"a,b"@example.com` is one address, not two).
    relay?.relay({ from, to: formatAddress(mail.to), raw: text });
    const beyondLimit = [...ids, id].sort().slice(0, Math.max(0, ids.length + 1 - limit));
    await Promise.all(beyondLimit.map(files.remove));
  }

  /** What the folder's readers wait for: the files, not a slow SMTP server. */
  const written = () => queue;
  const settled = async () => {
    await queue;
    await relay?.settled();
  };

  async function list(filter: { to?: string } = {}): Promise<StoredMail[]> {
    await written();
    const ids = (await storedIds(dir)).reverse();
    files.keepOnly(ids);
    const messages = (await Promise.all(ids.map(files.read))).filter((message) => message !== undefined);
    const to = filter.to?.toLowerCase();
    return to === undefined ? messages : messages.filter((message) => message.to.toLowerCase() === to);
  }

  return {
    send(mail) {
      const date = now();
      const text = composeMessage({ ...mail, from, date, messageId: newMessageId() });
      void enqueue(() => store(mail, text, date), `could not write the mail to ${mail.to}`).catch(() => undefined);
    },
    sendLater(make, what) {
      const made = async () => {
        const mail = await make();
        if (!mail) return;
        const date = now();
        await store(mail, composeMessage({ ...mail, from, date, messageId: newMessageId() }), date);
      };
      void enqueue(made, `could not send ${what}`).catch(() => undefined);
    },
    settled,
    list,
    async get(id) {
      if (!ID.test(id)) return undefined; // nothing but an id ever becomes a path
      await written();
      return files.read(id);
    },
    latest: async (to) => (await list({ to }))[0],
    clear: () => enqueue(async () => void (await Promise.all((await storedIds(dir)).map(files.remove))), 'could not empty the outbox'),
  };
}
