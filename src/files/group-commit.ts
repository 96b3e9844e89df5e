import { readFile } from 'node:fs/promises';
import { writeTextAtomic } from './atomic';
import { FileChangedOnDiskError } from './errors';
import { withFileLock } from './file-lock';
import { sameVersion, versionOf, type FileVersion } from './file-version';

interface Waiter {
  generation: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Permissions for a file written for the first time (an existing file keeps its own). */
  mode?: number;
  /**
   * Refuse to write over a change someone else made to the file since we last read or wrote it (a hand edit):
   * the writes waiting are rejected with a FileChangedOnDiskError saying `message` instead, and the edit stands.
   * `noticed` is called once for each edited version, so the server can say so once.
   */
  keepExternalEdits?: { message: string; noticed?: () => void };
  /**
   * The file is shared with other processes (the `token` command adds sessions): each write holds the file's
   * lock, and first hands a change someone else made since our last write to `mergeOutsideChange`.
   */
  mergeOutsideChange?: () => Promise<void>;
  /** Awaited before each write begins: another file that must reach the disk first. */
  beforeWrite?: () => Promise<void>;
}

/**
 * A JSON file written by group commit: every change asks for a commit, and the promise resolves once a write
 * that began after the request is on disk (temporary file, fsync, rename). Changes that arrive while a write is
 * running share the next one, so throughput grows with concurrency, and no caller is told "saved" early.
 */
export class GroupCommitFile {
  private requested = 0;
  private committed = 0;
  private waiters: Waiter[] = [];
  private running: Promise<void> | undefined;
  private lastWritten: FileVersion | undefined;
  /** The bytes last written or loaded: a file whose stat moved but whose content is these was not edited (a touch). */
  private lastBytes: Buffer | undefined;
  /** The edited version last reported to `keepExternalEdits.noticed`. */
  private noticedVersion: string | undefined;
  /** restore(): the text to write, and the generation asking for it. */
  private restoring: { generation: number; text: string | Buffer } | undefined;

  constructor(
    private readonly file: string,
    /** The file's whole content, made when a write begins. */
    private readonly text: () => string | Buffer,
    private readonly options: GroupCommitOptions = {},
  ) {}

  /** Marks the content changed; resolves when the change is on disk. */
  commit(): Promise<void> {
    this.requested += 1;
    return this.settled();
  }

  /** Resolves when every change asked for so far is on disk (at once when there is none). */
  settled(): Promise<void> {
    if (this.committed >= this.requested) return Promise.resolve();
    const generation = this.requested;
    const promise = new Promise<void>((resolve, reject) => this.waiters.push({ generation, resolve, reject }));
    this.running ??= this.run();
    return promise;
  }

  /**
   * Writes `text` (the file as it was at start, for reset()) over whatever the file holds, a hand edit included;
   * resolves once on disk. A change asked for before that write begins is written instead, as usual.
   */
  restore(text: string | Buffer): Promise<void> {
    this.requested += 1;
    this.restoring = { generation: this.requested, text };
    return this.settled();
  }

  /**
   * Records the file as ours in `version` (taken before reading it), or as it is now: after loading it, so an edit
   * after that is recognised as one.
   */
  async adoptCurrentFile(version?: FileVersion, text?: string | Buffer): Promise<void> {
    this.lastWritten = version ?? (await versionOf(this.file));
    this.lastBytes = text === undefined ? undefined : Buffer.from(text);
  }

  /** The stat moved: an edit, unless the content is still what we last wrote or loaded (then that stat is adopted). */
  private async editedSince(now: FileVersion | undefined): Promise<boolean> {
    if (!now || !this.lastBytes) return true;
    const onDisk = await readFile(this.file).catch(() => undefined);
    if (!onDisk || !onDisk.equals(this.lastBytes)) return true;
    this.lastWritten = now;
    return false;
  }

  /** True when the file on disk is the one we last wrote or loaded: a change event that is our own. */
  async isOurs(): Promise<boolean> {
    return this.lastWritten !== undefined && sameVersion(await versionOf(this.file), this.lastWritten);
  }

  private async run(): Promise<void> {
    while (this.committed < this.requested) {
      const generation = this.requested;
      try {
        await this.writeOnce(generation);
        this.settle(generation);
      } catch (error) {
        this.settle(generation, error);
      }
    }
    this.running = undefined;
  }

  private async writeOnce(generation: number): Promise<void> {
    const { mergeOutsideChange, beforeWrite } = this.options;
    if (beforeWrite) await beforeWrite();
    const restoring = this.restoring && this.restoring.generation <= generation ? this.restoring : undefined;
    // The start text only when no change came after the reset; either way, a reset writes over a hand edit.
    const text = restoring?.generation === generation ? restoring.text : undefined;
    try {
      if (!mergeOutsideChange) return await this.writeUnlocked(text, Boolean(restoring));
      await withFileLock(this.file, async () => {
        if (await this.changedOutside()) await mergeOutsideChange();
        await this.writeUnlocked(text, Boolean(restoring));
      });
    } finally {
      if (restoring && this.restoring === restoring) this.restoring = undefined;
    }
  }

  /** True when the file exists and is not the version we last wrote or loaded: another process changed it. */
  async changedOutside(): Promise<boolean> {
    const now = await versionOf(this.file);
    return now !== undefined && !sameVersion(now, this.lastWritten);
  }

  private async writeUnlocked(text: string | Buffer | undefined, overEdits: boolean): Promise<void> {
    const external = this.options.keepExternalEdits;
    if (external && !overEdits && this.lastWritten) {
      const now = await versionOf(this.file);
      if (!sameVersion(now, this.lastWritten) && (await this.editedSince(now))) {
        const key = now ? `${now.ino}:${now.size}:${now.mtimeMs}` : 'deleted';
        if (key !== this.noticedVersion) external.noticed?.();
        this.noticedVersion = key;
        throw new FileChangedOnDiskError(this.file, external.message);
      }
    }
    // Serialised now, when the write begins: it carries every change made up to this moment.
    const content = text ?? this.text();
    await writeTextAtomic(this.file, content, this.options.mode);
    this.lastWritten = await versionOf(this.file);
    if (this.options.keepExternalEdits) this.lastBytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  }

  private settle(generation: number, error?: unknown): void {
    this.committed = generation;
    const done = this.waiters.filter((waiter) => waiter.generation <= generation);
    this.waiters = this.waiters.filter((waiter) => waiter.generation > generation);
    for (const waiter of done) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}
