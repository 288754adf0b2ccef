import type { CorrelationConfig } from '../config.ts';
import { type Link, linkKey, staticLinks } from '../topology/links.ts';
import type { IncidentStore } from './ports.ts';

/** Chains are short (composite alarm → child alarm → function → state machine); this bounds the walk. */
const MAX_HOPS = 4;

/**
 * The links needed to scope a batch: everything reachable from its subjects, loaded a hop at a
 * time in bulk (one query per hop for the whole batch, not one per record).
 */
export async function linksReachableFrom(
  store: IncidentStore,
  subjects: readonly string[],
  learned: readonly Link[],
  config: CorrelationConfig,
): Promise<Link[]> {
  const linkable = subjects.filter(canLinkOnward);
  return walk(linkable, [...learned, ...staticLinks(config)], (frontier) => store.linksFrom(frontier), 'to');
}

/**
 * Executions (and express runs, map runs) name their state machine in their own ARN; no link ever
 * starts at one, so looking them up would be most of a batch's queries for nothing.
 */
const RUN_ARN = /^arn:aws[a-z-]*:states:[^:]*:[^:]*:(execution|express|mapRun):/;

function canLinkOnward(subject: string): boolean {
  return !RUN_ARN.test(subject);
}

/** The links that lead into a state machine: which functions, activities and alarms belong to it. */
export async function linksInto(
  store: IncidentStore,
  stateMachineArn: string,
  known: readonly Link[],
): Promise<Link[]> {
  return walk([stateMachineArn], known, (frontier) => store.linksTo(frontier), 'from');
}

async function walk(
  start: readonly string[],
  known: readonly Link[],
  load: (frontier: string[]) => Promise<Link[]>,
  follow: 'to' | 'from',
): Promise<Link[]> {
  const found = new Map<string, Link>();
  const seen = new Set<string>(start);
  let frontier = [...seen];
  for (let hop = 0; hop < MAX_HOPS && frontier.length > 0; hop++) {
    const here = new Set(frontier);
    const origin = follow === 'to' ? 'from' : 'to';
    const links = [...(await load(frontier)), ...known.filter((link) => here.has(link[origin]))];
    const next: string[] = [];
    for (const link of links) {
      found.set(linkKey(link), link);
      const node = link[follow];
      if (!seen.has(node)) {
        seen.add(node);
        next.push(node);
      }
    }
    frontier = next;
  }
  for (const link of known) found.set(linkKey(link), link);
  return [...found.values()];
}
