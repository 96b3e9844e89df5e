/**
 * SIGINT and SIGTERM end the process with exit 0, and never in the middle of a write: whatever it is doing
 * (starting, serving requests, adding a user, issuing a token) finishes and is saved first.
 *
 * The listeners are added when this module loads, which main.ts makes the first thing it does, so the 200 ms of
 * loading express and json-server are covered; and they stay for the process's whole life. A signal that finds
 * no listener takes the default action and kills the process wherever it is. That is what went wrong with
 * `process.once` (issue 10): once ours was gone, the signal-exit handler that write-file-atomic adds during a
 * write found itself the last listener and re-raised the signal, mid-write.
 */

let finish: () => Promise<void> = async () => undefined;
let stopping = false;

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    // Losing what the first signal is saving is what a second Ctrl-C must not do; the wait is short and
    // bounded (a client holding its connection open is cut off after 3 s).
    process.stderr.write(`fake-jwt-api: ${signal} again: still saving the last changes, exiting once they are on disk\n`);
    return;
  }
  stopping = true;
  void finish().then(() => process.exit(0));
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/**
 * Sets what a signal waits for before the process exits 0: `work` settles once nothing is left to save. It
 * reports its own failures (and exits with their code); until it is set, a signal exits 0 at once, as nothing
 * of ours runs yet.
 */
export function beforeSignalExit(work: () => Promise<void>): void {
  finish = work;
}
