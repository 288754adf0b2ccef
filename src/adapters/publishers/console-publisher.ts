import type { ChangePublisher, PublishableChange } from './change-publisher.ts';

const MARKS: Readonly<Record<string, string>> = {
  opened: '● opened   ',
  updated: '◦ updated  ',
  escalated: '▲ escalated',
  resolved: '✔ resolved ',
  reopened: '↺ reopened ',
  superseded: '⤳ merged   ',
};

/** Local mode's destination: one readable line per incident change, as it happens. */
export class ConsoleChangePublisher implements ChangePublisher {
  constructor(private readonly write: (line: string) => void) {}

  async publish(changes: readonly PublishableChange[]): Promise<void> {
    for (const change of changes) {
      this.write(
        `  ${MARKS[change.type] ?? change.type}  ${change.incidentId}  ${change.severity}  ${change.status.padEnd(8)}  ${change.title}${change.detail === undefined ? '' : `  (${change.detail})`}`,
      );
    }
  }
}
