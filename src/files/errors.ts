import { RuntimeError } from '../errors';

/** The stable codes of what files/ raises: callers and tests tell the errors apart by them, never by the message. */
export type FileErrorCode = 'ERR_FILE_CHANGED_ON_DISK' | 'ERR_FILE_LOCK_TIMEOUT';

/**
 * A write refused because someone else changed the file since this process last read or wrote it (a hand edit):
 * the edit stands. The message is the owner's (GroupCommitOptions.keepExternalEdits), as it knows what to advise.
 */
export class FileChangedOnDiskError extends Error {
  readonly code = 'ERR_FILE_CHANGED_ON_DISK' satisfies FileErrorCode;
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'FileChangedOnDiskError';
  }
}

/**
 * A file's lock held far longer than any write takes, by a process that still lives (or lives on another host).
 * A RuntimeError: the command line exits with 1 and this message and code, as for any failure at run time.
 */
export class FileLockTimeoutError extends RuntimeError {
  declare readonly code: 'ERR_FILE_LOCK_TIMEOUT' & FileErrorCode;
  constructor(
    readonly lock: string,
    waitedMs: number,
  ) {
    super('ERR_FILE_LOCK_TIMEOUT', `${lock} has been held for over ${waitedMs / 1000} s; if no fake-jwt-api is writing, delete it`);
    this.name = 'FileLockTimeoutError';
  }
}
