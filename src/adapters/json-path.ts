import { ConfigurationError } from '../errors.ts';

/**
 * The JSONPath subset EventBridge targets use for `PartitionKeyPath` and `InputPath`: `$`, then
 * `.name`, `['name']` or `[index]` steps. Compiled once; evaluation never throws.
 */

export interface CompiledJsonPath {
  readonly text: string;
  /** The value at the path, or `undefined` where the event has nothing there. */
  readonly select: (document: unknown) => unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const STEP = /^(?:\.([A-Za-z0-9_$@-]+)|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\])/;

export function compileJsonPath(text: string): CompiledJsonPath {
  if (!text.startsWith('$')) throw new ConfigurationError(`Invalid JSONPath ${text}: it must start with $`);
  const steps: (string | number)[] = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    const match = STEP.exec(rest);
    if (match === null) throw new ConfigurationError(`Invalid JSONPath ${text}: cannot read "${rest}"`);
    const [whole, dotted, singleQuoted, doubleQuoted, index] = match;
    if (index !== undefined) steps.push(Number(index));
    else steps.push((dotted ?? singleQuoted ?? doubleQuoted ?? '').replace(/\\(.)/g, '$1'));
    rest = rest.slice(whole.length);
  }
  return {
    text,
    select: (document) => {
      let current = document;
      for (const step of steps) {
        if (typeof step === 'number') {
          if (!Array.isArray(current)) return undefined;
          current = current[step];
        } else {
          if (!isRecord(current) || !Object.hasOwn(current, step)) return undefined;
          current = current[step];
        }
      }
      return current;
    },
  };
}
