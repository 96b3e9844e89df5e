import writeFileAtomic from 'write-file-atomic';

/** How every file we own is written: pretty JSON, newline-terminated, as users edit them by hand. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Writes JSON to a temporary file in the same folder, fsyncs it and renames it over `file`, keeping the old
 * file's permissions, so a crash leaves either the old file or the new one, never half of one.
 */
export async function writeJsonAtomic(file: string, value: unknown, mode?: number): Promise<void> {
  await writeTextAtomic(file, toJsonText(value), mode);
}

export async function writeTextAtomic(file: string, text: string | Buffer, mode?: number): Promise<void> {
  await writeFileAtomic(file, text, { fsync: true, ...(mode === undefined ? {} : { mode }) });
}
