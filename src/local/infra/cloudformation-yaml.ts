import type { ScalarTag, YAMLMap, YAMLSeq } from 'yaml';
import { parse } from 'yaml';

/**
 * Parses CloudFormation YAML, where `!GetAtt`, `!Ref`, `!Sub` and the other short forms are
 * ordinary tags: each becomes its long JSON form (`!GetAtt A.Arn` → `{ "Fn::GetAtt": ["A", "Arn"] }`),
 * so the rest of the reader only ever sees plain data.
 */

const FUNCTION_NAMES = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'ToJsonString',
  'Length',
] as const;

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

type CollectionTagDefinition = {
  tag: string;
  collection: 'map' | 'seq';
  resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => unknown;
};

function tagsFor(name: string): (ScalarTag | CollectionTagDefinition)[] {
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => longForm(name, value) },
    { tag, collection: 'seq', resolve: (node) => longForm(name, node.toJSON()) },
    { tag, collection: 'map', resolve: (node) => longForm(name, node.toJSON()) },
  ];
}

const CLOUDFORMATION_TAGS = ['Ref', 'Condition', ...FUNCTION_NAMES].flatMap(tagsFor);

/** Throws the `yaml` package's error (with line and column) on malformed input. */
export function parseCloudFormationYaml(text: string): unknown {
  return parse(text, { customTags: CLOUDFORMATION_TAGS, maxAliasCount: 100 });
}
