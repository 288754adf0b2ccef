import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../../errors.ts';
import { parseCloudFormationYaml } from './cloudformation-yaml.ts';
import type { VariableResolver } from './serverless-variables.ts';

/**
 * One infra/ file as the local stack sees it: its resources with variables resolved and the
 * conditions it can decide offline (`Fn::If` over `Fn::Equals` of resolved strings) applied, so
 * `Ref: AWS::NoValue` branches disappear as they would in CloudFormation.
 */

export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly file: string;
}

const UNDECIDED = Symbol('undecided');
const NO_VALUE = Symbol('no value');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function singleKey(value: Record<string, unknown>): [string, unknown] | undefined {
  const entries = Object.entries(value);
  return entries.length === 1 ? entries[0] : undefined;
}

class ConditionEvaluator {
  readonly #definitions: Record<string, unknown>;
  readonly #evaluating = new Set<string>();

  constructor(definitions: Record<string, unknown>) {
    this.#definitions = definitions;
  }

  named(name: string): boolean | typeof UNDECIDED {
    if (!Object.hasOwn(this.#definitions, name) || this.#evaluating.has(name)) return UNDECIDED;
    this.#evaluating.add(name);
    try {
      return this.evaluate(this.#definitions[name]);
    } finally {
      this.#evaluating.delete(name);
    }
  }

  evaluate(expression: unknown): boolean | typeof UNDECIDED {
    if (typeof expression === 'boolean') return expression;
    if (!isRecord(expression)) return UNDECIDED;
    const entry = singleKey(expression);
    if (entry === undefined) return UNDECIDED;
    const [name, argument] = entry;
    if (name === 'Condition' && typeof argument === 'string') return this.named(argument);
    if (!Array.isArray(argument)) return UNDECIDED;
    if (name === 'Fn::Equals') {
      const [left, right] = argument;
      const comparable = (value: unknown) => typeof value === 'string' || typeof value === 'number';
      return comparable(left) && comparable(right) ? String(left) === String(right) : UNDECIDED;
    }
    const operands = argument.map((operand) => this.evaluate(operand));
    if (operands.includes(UNDECIDED)) return UNDECIDED;
    if (name === 'Fn::Not') return operands.length === 1 ? !operands[0] : UNDECIDED;
    if (name === 'Fn::And') return operands.every(Boolean);
    if (name === 'Fn::Or') return operands.some(Boolean);
    return UNDECIDED;
  }
}

function applyConditions(value: unknown, conditions: ConditionEvaluator): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => applyConditions(item, conditions)).filter((item) => item !== NO_VALUE);
  }
  if (!isRecord(value)) return value;
  const entry = singleKey(value);
  if (entry?.[0] === 'Ref' && entry[1] === 'AWS::NoValue') return NO_VALUE;
  if (entry?.[0] === 'Fn::If' && Array.isArray(entry[1]) && typeof entry[1][0] === 'string') {
    const [condition, whenTrue, whenFalse] = entry[1];
    const decided = conditions.named(condition);
    if (decided !== UNDECIDED) return applyConditions(decided ? whenTrue : whenFalse, conditions);
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const applied = applyConditions(item, conditions);
    if (applied !== NO_VALUE) result[key] = applied;
  }
  return result;
}

export function loadTemplateResources(file: string, variables: VariableResolver): TemplateResource[] {
  let document: unknown;
  try {
    document = parseCloudFormationYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`Cannot read the CloudFormation template ${file}`, { cause: error });
  }
  const resolved = variables.resolveDeep(document);
  if (!isRecord(resolved) || !isRecord(resolved.Resources)) {
    throw new ConfigurationError(`${file} has no Resources section`);
  }
  const conditions = new ConditionEvaluator(isRecord(resolved.Conditions) ? resolved.Conditions : {});
  return Object.entries(resolved.Resources).flatMap(([logicalId, resource]) => {
    if (!isRecord(resource) || typeof resource.Type !== 'string') return [];
    const properties = applyConditions(resource.Properties ?? {}, conditions);
    return [{ logicalId, type: resource.Type, properties: isRecord(properties) ? properties : {}, file }];
  });
}
