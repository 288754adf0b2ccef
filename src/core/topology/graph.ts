import { isStateMachineArn, type Link } from './links.ts';
import { canBeMember } from './members.ts';

/** Longest chain followed, e.g. composite alarm → child alarm → function → state machine. */
const MAX_DEPTH = 4;

export interface ScopeMatch {
  readonly stateMachineArn: string;
  /** The resources between the subject and the state machine, nearest to the subject first. */
  readonly via: readonly string[];
}

/** The learned links as a graph; scoping walks it from a signal's subjects to state machines. */
export class Topology {
  private readonly forward = new Map<string, Set<string>>();
  private readonly backward = new Map<string, Set<string>>();

  constructor(links: Iterable<Link>) {
    for (const link of links) {
      // No signal teaches a link from an execution; a configured one would make a member whose
      // context is never filed (members.ts), so it is not followed.
      if (link.source === 'nested' || !canBeMember(link.from)) continue;
      addEdge(this.forward, link.from, link.to);
      addEdge(this.backward, link.to, link.from);
    }
  }

  /** The state machines a set of subjects concerns, each with the shortest path that links it. */
  scopesOf(subjects: readonly string[]): ScopeMatch[] {
    const found = new Map<string, readonly string[]>();
    for (const subject of subjects) {
      for (const match of this.walk(subject)) {
        const known = found.get(match.stateMachineArn);
        if (known === undefined || known.length > match.via.length)
          found.set(match.stateMachineArn, match.via);
      }
    }
    return [...found.entries()]
      .map(([stateMachineArn, via]) => ({ stateMachineArn, via }))
      .sort((a, b) => (a.stateMachineArn < b.stateMachineArn ? -1 : 1));
  }

  /** Everything that links, directly or through other resources, to a state machine. */
  subjectsOf(stateMachineArn: string): string[] {
    const seen = new Set<string>([stateMachineArn]);
    let frontier = [stateMachineArn];
    for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const node of frontier) {
        for (const from of this.backward.get(node) ?? []) {
          if (!seen.has(from)) {
            seen.add(from);
            next.push(from);
          }
        }
      }
      frontier = next;
    }
    return [...seen].sort();
  }

  private walk(subject: string): ScopeMatch[] {
    if (isStateMachineArn(subject)) return [{ stateMachineArn: subject, via: [] }];
    const matches: ScopeMatch[] = [];
    const seen = new Set<string>([subject]);
    let frontier: { node: string; path: string[] }[] = [{ node: subject, path: [] }];
    for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
      const next: { node: string; path: string[] }[] = [];
      for (const { node, path } of frontier) {
        for (const to of [...(this.forward.get(node) ?? [])].sort()) {
          if (seen.has(to)) continue;
          seen.add(to);
          if (isStateMachineArn(to))
            matches.push({ stateMachineArn: to, via: path.length === 0 ? [] : path });
          else next.push({ node: to, path: [...path, to] });
        }
      }
      frontier = next;
    }
    return matches;
  }
}

function addEdge(edges: Map<string, Set<string>>, from: string, to: string): void {
  const targets = edges.get(from);
  if (targets === undefined) edges.set(from, new Set([to]));
  else targets.add(to);
}
