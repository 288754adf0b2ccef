import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * Per-shard checkpoints: the sequence number up to which every record has been handled (processed
 * or sent to the on-failure destination). Kept in a small JSON file so a restarted local stack
 * resumes where it stopped instead of replaying the whole stream. The file names the stream it
 * belongs to; checkpoints of another stream (a table recreated since) are ignored.
 */

export interface CheckpointStore {
  load(sourceArn: string): Promise<ReadonlyMap<string, string>>;
  save(shardId: string, sequenceNumber: string): Promise<void>;
}

export class MemoryCheckpointStore implements CheckpointStore {
  readonly #checkpoints = new Map<string, string>();

  async load(): Promise<ReadonlyMap<string, string>> {
    return new Map(this.#checkpoints);
  }

  async save(shardId: string, sequenceNumber: string): Promise<void> {
    this.#checkpoints.set(shardId, sequenceNumber);
  }
}

const checkpointFile = z.object({
  sourceArn: z.string(),
  shards: z.record(z.string(), z.string()),
});

export class FileCheckpointStore implements CheckpointStore {
  readonly #file: string;
  #sourceArn = '';
  readonly #shards = new Map<string, string>();
  /** Writes are chained so two shards saving at once cannot interleave their renames. */
  #writing: Promise<void> = Promise.resolve();

  constructor(file: string) {
    this.#file = file;
  }

  async load(sourceArn: string): Promise<ReadonlyMap<string, string>> {
    this.#sourceArn = sourceArn;
    this.#shards.clear();
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch {
      return new Map();
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return new Map();
    }
    const parsed = checkpointFile.safeParse(json);
    if (!parsed.success || parsed.data.sourceArn !== sourceArn) return new Map();
    for (const [shardId, sequenceNumber] of Object.entries(parsed.data.shards)) {
      this.#shards.set(shardId, sequenceNumber);
    }
    return new Map(this.#shards);
  }

  save(shardId: string, sequenceNumber: string): Promise<void> {
    this.#shards.set(shardId, sequenceNumber);
    const content = JSON.stringify(
      { sourceArn: this.#sourceArn, shards: Object.fromEntries(this.#shards) },
      null,
      2,
    );
    // A failed write must not wedge the chain: the next save writes the full state again.
    this.#writing = this.#writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(path.dirname(this.#file), { recursive: true });
        const temporary = `${this.#file}.${process.pid}.tmp`;
        await writeFile(temporary, content, 'utf8');
        await rename(temporary, this.#file);
      });
    return this.#writing;
  }
}
