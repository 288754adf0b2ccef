import { ConfigurationError } from '../errors.ts';

/**
 * EventBridge event-pattern matching (also the syntax of Lambda filter criteria). A pattern is
 * compiled once, so a malformed one fails when infra/ is read, not when the first event arrives.
 *
 * Supported: exact values (strings, numbers, booleans, null) in arrays, nested objects, `$or`,
 * `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but` (values, or a `prefix` /
 * `suffix` / `equals-ignore-case` object), `exists` and `numeric`. An array in the event matches
 * when any of its elements does. `cidr` is not supported and is rejected at compile time.
 */

type Json = unknown;
type ValueTest = (value: Json) => boolean;

interface FieldMatcher {
  readonly key: string;
  /** Called with the field's value, or `undefined` when the event does not have the field. */
  readonly matches: (field: Json | undefined) => boolean;
}

export interface CompiledEventPattern {
  readonly matches: (event: Json) => boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(path: string, message: string): never {
  throw new ConfigurationError(`Invalid event pattern at ${path}: ${message}`);
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function wildcardTest(pattern: string): ValueTest {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => typeof value === 'string' && regex.test(value);
}

function stringTest(operator: string, operand: unknown, path: string): ValueTest {
  if (typeof operand === 'string') {
    if (operator === 'prefix') return (value) => typeof value === 'string' && value.startsWith(operand);
    if (operator === 'suffix') return (value) => typeof value === 'string' && value.endsWith(operand);
    if (operator === 'equals-ignore-case') {
      const lower = operand.toLowerCase();
      return (value) => typeof value === 'string' && value.toLowerCase() === lower;
    }
    if (operator === 'wildcard') return wildcardTest(operand);
  }
  // `{ "prefix": { "equals-ignore-case": "x" } }`: a case-insensitive prefix or suffix.
  if ((operator === 'prefix' || operator === 'suffix') && isRecord(operand)) {
    const inner = operand['equals-ignore-case'];
    if (typeof inner !== 'string' || Object.keys(operand).length !== 1) {
      return invalid(path, `${operator} takes a string or { "equals-ignore-case": string }`);
    }
    const lower = inner.toLowerCase();
    return operator === 'prefix'
      ? (value) => typeof value === 'string' && value.toLowerCase().startsWith(lower)
      : (value) => typeof value === 'string' && value.toLowerCase().endsWith(lower);
  }
  return invalid(path, `${operator} takes a string`);
}

const NUMERIC_COMPARISONS: Record<string, (left: number, right: number) => boolean> = {
  '<': (left, right) => left < right,
  '<=': (left, right) => left <= right,
  '=': (left, right) => left === right,
  '>': (left, right) => left > right,
  '>=': (left, right) => left >= right,
};

function numericTest(operand: unknown, path: string): ValueTest {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) {
    return invalid(path, 'numeric takes pairs of [operator, number]');
  }
  const checks: ValueTest[] = [];
  for (let index = 0; index < operand.length; index += 2) {
    const operator = operand[index];
    const bound = operand[index + 1];
    const compare = typeof operator === 'string' ? NUMERIC_COMPARISONS[operator] : undefined;
    if (compare === undefined || typeof bound !== 'number') {
      return invalid(
        path,
        `numeric: ${JSON.stringify(operator)} ${JSON.stringify(bound)} is not a comparison`,
      );
    }
    checks.push((value) => typeof value === 'number' && compare(value, bound));
  }
  return (value) => checks.every((check) => check(value));
}

function anythingButTest(operand: unknown, path: string): ValueTest {
  if (isPrimitive(operand) && operand !== null) return (value) => value !== operand;
  if (Array.isArray(operand) && operand.every((item) => isPrimitive(item) && item !== null)) {
    const excluded = new Set<unknown>(operand);
    return (value) => !excluded.has(value);
  }
  if (isRecord(operand)) {
    const entries = Object.entries(operand);
    const entry = entries.length === 1 ? entries[0] : undefined;
    if (entry !== undefined && ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(entry[0])) {
      const inner = stringTest(entry[0], entry[1], path);
      return (value) => typeof value === 'string' && !inner(value);
    }
  }
  return invalid(path, 'anything-but takes a value, a list of values, or a prefix/suffix/equals-ignore-case');
}

type ValueMatcher = { kind: 'exists'; present: boolean } | { kind: 'value'; test: ValueTest };

function compileValueMatcher(entry: unknown, path: string): ValueMatcher {
  if (isPrimitive(entry)) return { kind: 'value', test: (value) => value === entry };
  if (!isRecord(entry)) return invalid(path, `${JSON.stringify(entry)} is neither a value nor an operator`);
  const entries = Object.entries(entry);
  const [operator, operand] = entries.length === 1 && entries[0] ? entries[0] : ['', undefined];
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') return invalid(path, 'exists takes true or false');
      return { kind: 'exists', present: operand };
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard':
      return { kind: 'value', test: stringTest(operator, operand, path) };
    case 'anything-but':
      return { kind: 'value', test: anythingButTest(operand, path) };
    case 'numeric':
      return { kind: 'value', test: numericTest(operand, path) };
    default:
      return invalid(path, `unsupported operator ${JSON.stringify(entry)}`);
  }
}

function compileValueList(list: readonly unknown[], path: string): FieldMatcher['matches'] {
  if (list.length === 0) return invalid(path, 'an empty array matches nothing');
  const matchers = list.map((entry, index) => compileValueMatcher(entry, `${path}[${index}]`));
  return (field) => {
    if (field === undefined) return matchers.some((matcher) => matcher.kind === 'exists' && !matcher.present);
    const values = Array.isArray(field) ? field : [field];
    return matchers.some((matcher) =>
      matcher.kind === 'exists' ? matcher.present : values.some((value) => matcher.test(value)),
    );
  };
}

function compileObject(pattern: Record<string, unknown>, path: string): (event: Json) => boolean {
  const fields: FieldMatcher[] = [];
  const alternatives: ((event: Json) => boolean)[][] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const fieldPath = `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2)
        return invalid(fieldPath, '$or takes at least two patterns');
      alternatives.push(
        value.map((alternative, index) =>
          isRecord(alternative)
            ? compileObject(alternative, `${fieldPath}[${index}]`)
            : invalid(`${fieldPath}[${index}]`, 'each $or alternative is an object'),
        ),
      );
    } else if (Array.isArray(value)) {
      fields.push({ key, matches: compileValueList(value, fieldPath) });
    } else if (isRecord(value)) {
      const nested = compileObject(value, fieldPath);
      fields.push({
        key,
        matches: (field) =>
          Array.isArray(field)
            ? field.some((item) => isRecord(item) && nested(item))
            : isRecord(field) && nested(field),
      });
    } else {
      return invalid(fieldPath, 'a field pattern is an array of values or a nested object');
    }
  }
  return (event) => {
    if (!isRecord(event)) return false;
    const fieldsMatch = fields.every((field) =>
      field.matches(Object.hasOwn(event, field.key) ? event[field.key] : undefined),
    );
    return fieldsMatch && alternatives.every((options) => options.some((option) => option(event)));
  };
}

/** Accepts the pattern as an object or as the JSON text CloudFormation also allows. */
export function compileEventPattern(pattern: unknown): CompiledEventPattern {
  let parsed = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw new ConfigurationError('Invalid event pattern: not JSON', { cause: error });
    }
  }
  if (!isRecord(parsed) || Object.keys(parsed).length === 0) {
    return invalid('$', 'a pattern is a non-empty object');
  }
  return { matches: compileObject(parsed, '$') };
}

export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern).matches(event);
}
