/**
 * Where the CLI writes. Commands never touch `process.stdout` directly, so tests capture output
 * by passing their own `CliIo`, and `main` never calls `process.exit`.
 */
export interface CliIo {
  /** Writes text as-is (callers add the newline). */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
  };
}

/** What each command registration receives: the output streams and a way to set the exit code. */
export interface CommandContext {
  readonly io: CliIo;
  readonly setExitCode: (code: number) => void;
}

export const EXIT_OK = 0;
/** The command ran but could not do what it is for (e.g. not implemented yet). */
export const EXIT_FAILURE = 1;
/** Bad usage or unreadable input: nothing the command could have done differently. */
export const EXIT_USAGE = 2;
