import type { CliIo } from '../../src/cli/io.ts';

export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  readonly outLines: () => string[];
}

export function captureIo(): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    out: () => out,
    err: () => err,
    outLines: () => out.split('\n').filter((line) => line.length > 0),
  };
}
