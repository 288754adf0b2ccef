import path from 'node:path';
import type { Logger } from 'pino';
import { type CheckpointStore, FileCheckpointStore, MemoryCheckpointStore } from './checkpoint-store.ts';
import { createOnFailureSink, type FailedBatch, type OnFailureDestination } from './on-failure.ts';

/**
 * Where a mapping keeps its state: checkpoints in `<dataDir>/checkpoints/<name>.json` and failed
 * batches in `<dataDir>/on-failure/<name>.jsonl`. Without a data directory checkpoints live in
 * memory and failed batches are only logged (plus the callback, if any).
 */

/** Subfolders of the data directory, one file per mapping in each. */
export const CHECKPOINTS_DIR = 'checkpoints';
export const ON_FAILURE_DIR = 'on-failure';

export interface MappingStorageOptions {
  readonly name: string;
  readonly dataDir?: string;
  readonly onFailure?: OnFailureDestination;
  readonly logger: Logger;
}

export interface MappingStorage {
  readonly checkpoints: CheckpointStore;
  readonly onFailure: (failed: FailedBatch) => Promise<void>;
}

/** A mapping name as a file name: anything but letters, digits, dot, dash and underscore becomes a dash. */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '-');
}

export function mappingStorage(options: MappingStorageOptions): MappingStorage {
  const base = fileSafe(options.name);
  const { dataDir } = options;
  const file =
    options.onFailure?.file ??
    (dataDir === undefined ? undefined : path.join(dataDir, ON_FAILURE_DIR, `${base}.jsonl`));
  const callback = options.onFailure?.callback;
  return {
    checkpoints:
      dataDir === undefined
        ? new MemoryCheckpointStore()
        : new FileCheckpointStore(path.join(dataDir, CHECKPOINTS_DIR, `${base}.json`)),
    onFailure: createOnFailureSink(
      { ...(file === undefined ? {} : { file }), ...(callback === undefined ? {} : { callback }) },
      options.logger,
    ),
  };
}
