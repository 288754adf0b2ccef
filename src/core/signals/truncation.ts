/**
 * Cuts fields to their caps and remembers which ones it cut. One instance per normalized event;
 * the collected dotted paths become the signal's `truncated`.
 */
export class Truncations {
  private readonly paths = new Set<string>();

  text(value: string, maxChars: number, path: string): string {
    if (value.length <= maxChars) return value;
    this.paths.add(path);
    const cut = value.slice(0, maxChars);
    // Never leave half a surrogate pair behind: it would not survive a UTF-8 round trip.
    const last = cut.charCodeAt(cut.length - 1);
    return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
  }

  optionalText(value: string | null | undefined, maxChars: number, path: string): string | undefined {
    return value === null || value === undefined ? undefined : this.text(value, maxChars, path);
  }

  list<T>(items: readonly T[], maxItems: number, path: string): T[] {
    if (items.length <= maxItems) return [...items];
    this.paths.add(path);
    return items.slice(0, maxItems);
  }

  /** Caps the number of entries and each value's length; keys are capped as names. */
  record(
    entries: Readonly<Record<string, string>>,
    maxEntries: number,
    maxKeyChars: number,
    maxValueChars: number,
    path: string,
  ): Record<string, string> {
    const kept = this.list(Object.entries(entries), maxEntries, path);
    return Object.fromEntries(
      kept.map(([key, value]) => [
        this.text(key, maxKeyChars, path),
        this.text(value, maxValueChars, `${path}.${key}`),
      ]),
    );
  }

  flag(path: string): void {
    this.paths.add(path);
  }

  collected(): string[] {
    return [...this.paths].sort();
  }
}
