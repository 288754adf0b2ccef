import { failure, type Outcome, success } from './outcome.ts';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of arrays and objects in JSON text, ignoring brackets inside strings. */
function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index += 1;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/** Own `__proto__` keys survive JSON.parse and become prototype pollution in the first spread. */
function findProtoKey(root: unknown): readonly (string | number)[] | undefined {
  const pending: { value: unknown; path: readonly (string | number)[] }[] = [{ value: root, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (Array.isArray(value)) {
      value.forEach((element: unknown, index) => {
        pending.push({ value: element, path: [...path, index] });
      });
    } else if (typeof value === 'object' && value !== null) {
      if (Object.hasOwn(value, '__proto__')) return [...path, '__proto__'];
      for (const [key, element] of Object.entries(value))
        pending.push({ value: element, path: [...path, key] });
    }
  }
  return undefined;
}

function describePath(path: readonly (string | number)[]): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('');
}

/**
 * JSON.parse with the guards untrusted input needs: a nesting cap (checked on the text, before any
 * recursion could overflow) and no `__proto__` keys anywhere. The key walk only runs when the text
 * could spell `__proto__`, directly or through `\u` escapes, so ordinary events pay nothing for it.
 */
export function parseJson(text: string, maxDepth: number): Outcome<unknown> {
  if (text.length > maxDepth && exceedsDepth(text, maxDepth)) {
    return failure(`JSON nests deeper than ${maxDepth} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return failure(`invalid JSON: ${withoutExcerpt(error instanceof Error ? error.message : String(error))}`);
  }
  if (text.includes('__proto__') || text.includes('\\u')) {
    const protoPath = findProtoKey(value);
    if (protoPath !== undefined) return failure(`forbidden key __proto__ at ${describePath(protoPath)}`);
  }
  return success(value);
}

/**
 * V8 quotes a slice of the input in its message (`Unexpected token 'A', "{"key": AKIA…"... is not
 * valid JSON`); reasons are stored and logged, so the quoted input is dropped.
 */
function withoutExcerpt(message: string): string {
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ' is not valid JSON');
}
