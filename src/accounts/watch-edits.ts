import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/** Editors write a file in several steps (truncate, write, rename): the reload waits until they are done. */
const SETTLE_MS = 20;

/**
 * Calls `onEdit` after `file` changes on disk (a burst of change events makes one call). Watches the folder, as an
 * editor that saves by renaming replaces the file itself. Returns the function that stops watching; without
 * watching (an odd filesystem) it does nothing, and the caller still sees edits when it next checks the file.
 */
export function watchEdits(file: string, onEdit: () => void): () => void {
  const name = path.basename(file);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(path.dirname(file), (_event, changed) => {
      if (changed?.toString() !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onEdit, SETTLE_MS);
      timer.unref();
    });
  } catch {
    return () => undefined;
  }
  watcher.unref();
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
