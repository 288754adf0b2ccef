import { parseArn } from '../arn.ts';
import type { Actor } from '../signals/types.ts';

/** The name an operator recognises: the user, or the role behind an assumed-role session. */
export function actorName(actor: Actor): string {
  if (actor.userName !== undefined) return actor.userName;
  if (actor.arn !== undefined) {
    const resource = parseArn(actor.arn)?.resource ?? '';
    // For an assumed role the session name is the person or function; the role name is noise.
    if (resource.startsWith('assumed-role/')) return resource.split('/').slice(2).join('/') || resource;
    const slash = resource.lastIndexOf('/');
    return slash >= 0 ? resource.slice(slash + 1) : resource || actor.arn;
  }
  return actor.invokedBy ?? actor.principalId ?? actor.type;
}

/** The last name segment of an ARN: `function:checkout` → `checkout`, `stateMachine:orders` → `orders`. */
export function shortName(text: string): string {
  const arn = parseArn(text);
  if (arn === undefined) return text;
  const [kind, name, executionName] = arn.resource.split(':');
  if (kind === 'execution' || kind === 'express') return executionName ?? text;
  return name ?? kind ?? text;
}

export function minutesBetween(fromMs: number, toMs: number): number {
  return Math.round(Math.abs(toMs - fromMs) / 60_000);
}

export const iso = (ms: number): string => new Date(ms).toISOString();
