import type { z } from 'zod';
import { formatPosition } from '../input/position.ts';
import type { InputPosition, NormalizeResult, Signal } from './types.ts';

export function signalResult(position: InputPosition, signal: Signal): NormalizeResult {
  return { result: 'signal', position, signal };
}

export function rejected(position: InputPosition, reason: string): NormalizeResult {
  return { result: 'rejected', position, reason };
}

export function ignored(
  position: InputPosition,
  reason: string,
  source: string | undefined,
  detailType: string | undefined,
): NormalizeResult {
  return {
    result: 'ignored',
    position,
    reason,
    ...(source !== undefined && { source }),
    ...(detailType !== undefined && { detailType }),
  };
}

/** The first schema issue, located: its path extends the item's position. */
export function rejectedBySchema(position: InputPosition, error: z.ZodError): NormalizeResult {
  const [first] = error.issues;
  if (first === undefined) return rejected(position, 'invalid event');
  const path = first.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more issues)` : '';
  const where = path.length > 0 ? `${formatPosition(path)}: ` : '';
  return rejected([...position, ...path], `${where}${first.message}${more}`);
}
