/**
 * Resolves Serverless Framework variables (`${self:custom.names.table}`, `${sls:stage}`,
 * `${param:streamMode, 'ON_DEMAND'}`) the way `serverless deploy` would for the local stage.
 * What cannot be resolved offline (`${cf:…}`, `${ssm:…}`, CloudFormation's own `${AWS::Region}`)
 * is left verbatim: the reader only insists on the values it actually uses.
 */

export interface VariableContext {
  readonly stage: string;
  readonly region: string;
  readonly accountId: string;
  readonly params: Readonly<Record<string, string>>;
  /** The parsed serverless.yml, for `self:` references; absent when there is none. */
  readonly serverless?: unknown;
  /** Values that win over serverless.yml, keyed by the full reference (`self:custom.names.table`). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Values used when serverless.yml does not resolve a reference. */
  readonly fallbacks?: Readonly<Record<string, string>>;
}

const INNERMOST_VARIABLE = /\$\{([^${}]*)\}/;
const MAX_NESTING = 10;
const PLACEHOLDER = (index: number) => `\u0000${index}\u0000`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the placeholders are NUL-delimited on purpose.
const PLACEHOLDERS = /\u0000(\d+)\u0000/g;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lookupPath(root: unknown, dottedPath: string): unknown {
  let current = root;
  for (const key of dottedPath.split('.')) {
    if (!isRecord(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** Splits `a, 'b, c'` at the top-level comma only. */
function splitFallback(expression: string): [string, string | undefined] {
  let quote: string | undefined;
  for (let index = 0; index < expression.length; index += 1) {
    const char = expression[index];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === ',') {
      return [expression.slice(0, index).trim(), expression.slice(index + 1).trim()];
    }
  }
  return [expression.trim(), undefined];
}

const REFERENCE = /^[a-zA-Z]+:/;

export class VariableResolver {
  readonly #context: VariableContext;

  constructor(context: VariableContext) {
    this.#context = context;
  }

  /** Resolves every string inside `value`, returning a new structure. */
  resolveDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.resolveString(value);
    if (Array.isArray(value)) return value.map((item) => this.resolveDeep(item));
    if (isRecord(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.resolveDeep(item)]));
    }
    return value;
  }

  resolveString(text: string, depth = 0): string {
    const unresolved: string[] = [];
    let current = text;
    for (let match = INNERMOST_VARIABLE.exec(current); match; match = INNERMOST_VARIABLE.exec(current)) {
      const [whole, expression = ''] = match;
      const value = this.#evaluate(expression, depth);
      let replacement: string;
      if (value === undefined) {
        unresolved.push(whole);
        replacement = PLACEHOLDER(unresolved.length - 1);
      } else {
        replacement = value;
      }
      current = current.slice(0, match.index) + replacement + current.slice(match.index + whole.length);
    }
    return current.replace(PLACEHOLDERS, (_, index: string) => unresolved[Number(index)] ?? '');
  }

  #evaluate(expression: string, depth: number): string | undefined {
    const [reference, fallback] = splitFallback(expression);
    const resolved = this.#reference(reference, depth);
    if (resolved !== undefined || fallback === undefined) return resolved;
    const quoted = /^(['"])(.*)\1$/.exec(fallback);
    if (quoted) return quoted[2];
    if (REFERENCE.test(fallback)) return this.#reference(fallback, depth);
    return fallback;
  }

  #reference(reference: string, depth: number): string | undefined {
    if (depth > MAX_NESTING) return undefined;
    const context = this.#context;
    const override = context.overrides?.[reference];
    if (override !== undefined) return override;
    const colon = reference.indexOf(':');
    const source = colon < 0 ? reference : reference.slice(0, colon);
    const address = colon < 0 ? '' : reference.slice(colon + 1);
    switch (source) {
      case 'sls':
        return address === 'stage' ? context.stage : undefined;
      case 'opt':
        if (address === 'stage') return context.stage;
        return address === 'region' ? context.region : undefined;
      case 'aws':
        if (address === 'region') return context.region;
        return address === 'accountId' ? context.accountId : undefined;
      case 'param':
        return context.params[address];
      case 'env':
        return process.env[address];
      case 'self': {
        const value = lookupPath(context.serverless, address);
        if (typeof value === 'string') return this.resolveString(value, depth + 1);
        if (typeof value === 'number' || typeof value === 'boolean') return String(value);
        return context.fallbacks?.[reference];
      }
      default:
        return undefined;
    }
  }
}

/** Whether a resolved string still carries a variable nobody could resolve. */
export function hasUnresolvedVariable(text: string): boolean {
  return /\$\{[^}]*\}/.test(text);
}
