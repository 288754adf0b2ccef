import { describe, expect, it } from 'vitest';
import { LinkPartitionCache } from '../../../src/adapters/dynamodb/link-cache.ts';
import type { Link } from '../../../src/core/topology/links.ts';

const charge: Link = { from: 'fn:charge', to: 'sm:orders', source: 'definition' };
const refund: Link = { from: 'fn:refund', to: 'sm:orders', source: 'definition' };
const partitionsOf = (link: Link) => [`LINK#${link.from}`, `RLINK#${link.to}`];

describe('LinkPartitionCache', () => {
  it('keeps nothing before a version is adopted', () => {
    const cache = new LinkPartitionCache(10);
    cache.set('RLINK#sm:orders', [charge], undefined);
    expect(cache.get('RLINK#sm:orders')).toBeUndefined();
    expect(cache.holds('RLINK#sm:orders', charge)).toBe(false);
  });

  it('forgets every partition when the table moved to another version', () => {
    const cache = new LinkPartitionCache(10);
    cache.adopt(4);
    cache.set('RLINK#sm:orders', [charge], 4);
    cache.adopt(4);
    expect(cache.get('RLINK#sm:orders')).toEqual([charge]);
    cache.adopt(5);
    expect(cache.get('RLINK#sm:orders')).toBeUndefined();
  });

  it('does not keep a read that began under an older version', () => {
    const cache = new LinkPartitionCache(10);
    cache.adopt(4);
    cache.adopt(5);
    cache.set('RLINK#sm:orders', [charge], 4);
    expect(cache.get('RLINK#sm:orders')).toBeUndefined();
  });

  it('adds its own write to the cached partitions when nobody else wrote in between', () => {
    const cache = new LinkPartitionCache(10);
    cache.adopt(4);
    cache.set('RLINK#sm:orders', [charge], 4);
    cache.wrote([refund], 5, partitionsOf);
    expect(cache.current).toBe(5);
    expect(cache.get('RLINK#sm:orders')).toEqual([charge, refund]);
    // The function's own partition was never read whole, so it is still unknown.
    expect(cache.get('LINK#fn:refund')).toBeUndefined();
  });

  it('forgets everything when another consumer raised the version too', () => {
    const cache = new LinkPartitionCache(10);
    cache.adopt(4);
    cache.set('RLINK#sm:orders', [charge], 4);
    cache.wrote([refund], 7, partitionsOf);
    expect(cache.current).toBe(7);
    expect(cache.get('RLINK#sm:orders')).toBeUndefined();
  });

  it('holds a link only with the same source', () => {
    const cache = new LinkPartitionCache(10);
    cache.adopt(1);
    cache.set('RLINK#sm:orders', [charge], 1);
    expect(cache.holds('RLINK#sm:orders', charge)).toBe(true);
    expect(cache.holds('RLINK#sm:orders', { ...charge, source: 'static' })).toBe(false);
  });

  it('stays within its bound, forgetting the partition read longest ago', () => {
    const cache = new LinkPartitionCache(2);
    cache.adopt(1);
    cache.set('a', [], 1);
    cache.set('b', [], 1);
    cache.set('c', [], 1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual([]);
    expect(cache.get('c')).toEqual([]);
  });
});
