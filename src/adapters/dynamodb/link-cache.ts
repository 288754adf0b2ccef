import { type Link, linkKey } from '../../core/topology/links.ts';

/**
 * The link partitions (`LINK#`, `RLINK#`) this consumer has read, kept while the table's topology
 * version says nothing was added since (docs/architecture.md, "Topology once per batch"). Links
 * change when a state machine or an alarm is created or changed; a batch reads them on every
 * scope it touches. Without this, walking the topology was half of a wide batch's requests.
 *
 * The version is validated once per batch (`adopt`); before the first validation nothing is kept.
 * Bounded: past `maxPartitions` the oldest read partition is forgotten (and read again if needed).
 */
export class LinkPartitionCache {
  private version: number | undefined;
  private readonly partitions = new Map<string, readonly Link[]>();

  constructor(private readonly maxPartitions: number) {}

  /** The version the table holds now: a different one than ours forgets everything read. */
  adopt(version: number): void {
    if (version !== this.version) this.partitions.clear();
    this.version = version;
  }

  get current(): number | undefined {
    return this.version;
  }

  get(pk: string): readonly Link[] | undefined {
    return this.version === undefined ? undefined : this.partitions.get(pk);
  }

  /**
   * A whole partition, read while `readUnder` was current. A read that began before the version
   * moved on (another batch of this process adopted a newer one) is not kept: it may be stale.
   */
  set(pk: string, links: readonly Link[], readUnder: number | undefined): void {
    if (this.version === undefined || readUnder !== this.version) return;
    this.partitions.delete(pk);
    this.partitions.set(pk, links);
    while (this.partitions.size > this.maxPartitions) {
      const oldest = this.partitions.keys().next();
      if (oldest.done === true) break;
      this.partitions.delete(oldest.value);
    }
  }

  /** Whether `link` is known to be stored: it is in a cached partition, with the same source. */
  holds(pk: string, link: Link): boolean {
    const key = linkKey(link);
    return this.get(pk)?.some((stored) => linkKey(stored) === key && stored.source === link.source) === true;
  }

  /**
   * This consumer wrote `links` and raised the version to `version`. If nobody else raised it
   * meanwhile, the cached partitions stay right once the links are added to them; otherwise what
   * others wrote is unknown, so everything is forgotten.
   */
  wrote(links: readonly Link[], version: number, partitionsOf: (link: Link) => readonly string[]): void {
    if (this.version === undefined || version !== this.version + 1) {
      this.partitions.clear();
      this.version = version;
      return;
    }
    this.version = version;
    for (const link of links) {
      for (const pk of partitionsOf(link)) {
        const cached = this.partitions.get(pk);
        if (cached === undefined) continue;
        const key = linkKey(link);
        this.partitions.set(pk, [...cached.filter((stored) => linkKey(stored) !== key), link]);
      }
    }
  }
}
