/**
 * Child alarms named by a composite alarm rule, e.g.
 * `ALARM(ServerCpuTooHigh) OR NOT OK("db (primary)") AND ALARM(arn:aws:cloudwatch:…:alarm:X)`.
 * Names may be bare or double-quoted (with backslash escapes), or be full alarm ARNs.
 */

const CHILD_REFERENCE = /\b(?:ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*("(?:[^"\\]|\\.)*"|[^()"]*?)\s*\)/g;

function unquote(reference: string): string {
  if (!reference.startsWith('"')) return reference;
  return reference.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** Each alarm name or ARN the rule refers to, in order of first appearance, without repeats. */
export function childAlarmReferences(alarmRule: string): string[] {
  const references = new Set<string>();
  for (const match of alarmRule.matchAll(CHILD_REFERENCE)) {
    const reference = unquote(match[1] ?? '').trim();
    if (reference.length > 0) references.add(reference);
  }
  return [...references];
}
