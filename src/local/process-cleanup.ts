/**
 * Last-resort cleanup when the process ends without the owner calling `stop()`: on SIGINT, SIGTERM
 * or SIGHUP the registered cleanups run (asynchronously, bounded), and on `exit` their synchronous
 * part runs (kill children with SIGKILL, remove files), because nothing asynchronous runs then.
 * Listeners are installed only while something is registered, so an idle library changes nothing
 * about how the process reacts to signals.
 */

export interface ProcessCleanup {
  /** Graceful: stop children, close servers. */
  readonly run: () => Promise<void>;
  /** Immediate, for the `exit` event: signals and synchronous file operations only. */
  readonly runSync: () => void;
}

const TERMINATING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_CLEANUP_TIMEOUT_MS = 10_000;

const registered = new Set<ProcessCleanup>();
let installed = false;

function onExit(): void {
  for (const cleanup of registered) {
    try {
      cleanup.runSync();
    } catch {
      // The process is exiting; one failed cleanup must not stop the others.
    }
  }
}

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  const cleanups = [...registered];
  uninstall();
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, SIGNAL_CLEANUP_TIMEOUT_MS).unref());
  await Promise.race([Promise.allSettled(cleanups.map((cleanup) => cleanup.run())), timeout]);
  for (const cleanup of cleanups) {
    try {
      cleanup.runSync();
    } catch {
      // As above: best effort.
    }
  }
  // Terminate as the signal would have, unless the application handles the signal itself.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const signalListeners = new Map<NodeJS.Signals, () => void>(
  TERMINATING_SIGNALS.map((signal) => [signal, () => void onSignal(signal)]),
);

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const [signal, listener] of signalListeners) process.on(signal, listener);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const [signal, listener] of signalListeners) process.off(signal, listener);
}

/**
 * Registers a cleanup; returns the function that unregisters it (call it from a normal `stop()`).
 * With `handleSignals: false` only the `exit` hook is installed: the application owns its signals.
 */
export function registerProcessCleanup(
  cleanup: ProcessCleanup,
  options: { handleSignals: boolean },
): () => void {
  if (options.handleSignals) {
    registered.add(cleanup);
    install();
    return () => {
      registered.delete(cleanup);
      if (registered.size === 0) uninstall();
    };
  }
  const onExitOnly = () => cleanup.runSync();
  process.on('exit', onExitOnly);
  return () => {
    process.off('exit', onExitOnly);
  };
}
