/**
 * What an Amazon States Language definition refers to: Lambda functions, activities and nested
 * state machines, as canonical ARNs. Extracted once at the edge so the definition itself is never
 * stored. Any definition, however malformed, yields a summary (possibly with no resources).
 */

import { Buffer } from 'node:buffer';
import { z } from 'zod';
import {
  activityArnOf,
  canonicalLambdaFunctionArn,
  parseArn,
  type ResourceHome,
  resolveLambdaFunctionArn,
  stateMachineArnOf,
} from '../arn.ts';
import { parseJson } from '../input/json.ts';
import { FIELD_LIMITS, INPUT_LIMITS } from '../limits.ts';
import { sha256Hex } from '../signals/signal-id.ts';
import type { DefinitionSummary } from '../signals/types.ts';

export interface DefinitionExtraction {
  readonly summary: DefinitionSummary;
  /** True when the definition named more resources than the cap and the list was cut. */
  readonly resourcesTruncated: boolean;
}

/** A field read leniently: a definition with an odd field still yields what the rest names. */
function lenient<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

const stateMapSchema = z.record(z.string(), z.unknown());
const nestedMachineSchema = lenient(z.object({ States: stateMapSchema }));
const integrationArgumentsSchema = lenient(
  z.object({ FunctionName: lenient(z.string()), StateMachineArn: lenient(z.string()) }),
);

const stateSchema = z.object({
  Type: lenient(z.string()),
  Resource: lenient(z.string()),
  Parameters: integrationArgumentsSchema,
  Arguments: integrationArgumentsSchema,
  Branches: lenient(z.array(nestedMachineSchema)),
  Iterator: nestedMachineSchema,
  ItemProcessor: nestedMachineSchema,
});

const definitionSchema = z.object({ States: stateMapSchema });

type State = z.infer<typeof stateSchema>;
type IntegrationArgument = 'FunctionName' | 'StateMachineArn';

/** A service integration resource: `arn:<partition>:states:::<service>:<action>[.<pattern>]`. */
function integration(resource: string): { service: string; action: string } | undefined {
  const arn = parseArn(resource);
  if (arn === undefined || arn.service !== 'states' || arn.region !== '' || arn.account !== '')
    return undefined;
  const [service, action, ...rest] = arn.resource.split(':');
  // `.sync:2` splits into ["startExecution.sync", "2"]; the suffix does not change the target.
  if (service === undefined || action === undefined || rest.length > 1) return undefined;
  return { service, action: action.split('.')[0] ?? action };
}

/** A static integration argument from `Parameters` (JSONPath) or `Arguments` (JSONata). */
function integrationArgument(state: State, key: IntegrationArgument): string | undefined {
  const value = state.Parameters?.[key] ?? state.Arguments?.[key];
  // A `{% ... %}` JSONata expression is computed at run time: not a resource we can name.
  return value === undefined || value.startsWith('{%') ? undefined : value;
}

function resourceOfTask(state: State, home: ResourceHome): string | undefined {
  const resource = state.Resource;
  if (resource === undefined) return undefined;
  const direct = canonicalLambdaFunctionArn(resource) ?? activityArnOf(resource);
  if (direct !== undefined) return direct;
  const target = integration(resource);
  if (target?.service === 'lambda' && target.action === 'invoke') {
    const functionName = integrationArgument(state, 'FunctionName');
    return functionName === undefined ? undefined : resolveLambdaFunctionArn(functionName, home);
  }
  if (target?.service === 'states' && target.action === 'startExecution') {
    const stateMachine = integrationArgument(state, 'StateMachineArn');
    return stateMachine === undefined ? undefined : stateMachineArnOf(stateMachine);
  }
  return undefined;
}

/** The `States` maps nested in a state: Parallel branches and Map iterators/item processors. */
function nestedStateMaps(state: State): Record<string, unknown>[] {
  const machines = [...(state.Branches ?? []), state.Iterator, state.ItemProcessor];
  return machines.flatMap((machine) => (machine === undefined ? [] : [machine.States]));
}

function collectResources(definition: unknown, home: ResourceHome): Set<string> {
  const resources = new Set<string>();
  const root = definitionSchema.safeParse(definition);
  if (!root.success) return resources;
  const pending = [root.data.States];
  let visited = 0;
  for (let states = pending.pop(); states !== undefined; states = pending.pop()) {
    for (const candidate of Object.values(states)) {
      visited += 1;
      if (visited > FIELD_LIMITS.definitionStates) return resources;
      const state = stateSchema.safeParse(candidate);
      if (!state.success) continue;
      if (state.data.Type === 'Task') {
        const resource = resourceOfTask(state.data, home);
        if (resource !== undefined) resources.add(resource);
      }
      pending.push(...nestedStateMaps(state.data));
    }
  }
  return resources;
}

/**
 * Summarizes a definition string. `home` is the state machine's partition/region/account: Lambda
 * functions named without an ARN live there.
 */
export function summarizeDefinition(definition: string, home: ResourceHome): DefinitionExtraction {
  const parsed = parseJson(definition, INPUT_LIMITS.maxJsonDepth);
  const all = parsed.ok ? [...collectResources(parsed.value, home)].sort() : [];
  const resources = all.slice(0, FIELD_LIMITS.definitionResources);
  return {
    summary: { bytes: Buffer.byteLength(definition, 'utf8'), sha256: sha256Hex(definition), resources },
    resourcesTruncated: all.length > resources.length,
  };
}
