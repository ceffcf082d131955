// A lowdb adapter that makes each write durable: temp file, fsync, rename, fsync the directory.
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

export class StoreCorruptError extends Error {
  constructor(readonly file: string, reason: string) {
    super(
      `The store file ${file} cannot be read: ${reason}. Seatdesk will not start on it and has not changed it. ` +
        `Restore it from a backup (or move it aside to start empty) and start again.`,
    );
    this.name = 'StoreCorruptError';
  }
}

/** The file layer, replaceable in tests to inject disk faults. */
export interface FileOps {
  writeDurable(file: string, text: string): Promise<void>;
  /** Appends to an open journal and waits until it is on disk. */
  appendDurable(fh: FileHandle, text: string): Promise<void>;
}

export const realFileOps: FileOps = {
  async appendDurable(fh, text) {
    await fh.write(text);
    await fh.datasync();
  },
  async writeDurable(file, text) {
    const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file).catch(async (e) => {
      await unlink(tmp).catch(() => {});
      throw e;
    });
    await fsyncDir(dirname(file));
  },
};

export async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

export class DurableJSONFile<T> implements Adapter<T> {
  constructor(
    private readonly file: string,
    private readonly ops: FileOps = realFileOps,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StoreCorruptError(this.file, (e as Error).message);
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new StoreCorruptError(this.file, `not valid JSON (${(e as Error).message})`);
    }
  }

  async write(data: T): Promise<void> {
    // The records are immutable and the arrays were captured by the caller, so serialising in
    // slices (yielding to the event loop between them) still writes one consistent moment.
    await this.ops.writeDurable(this.file, await stringifyInSlices(data));
  }
}

const SLICE = 1000;
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/** JSON.stringify of an object whose large arrays are serialised 1,000 items at a time. */
export async function stringifyInSlices(data: unknown): Promise<string> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return JSON.stringify(data);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.length <= SLICE) {
      parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
      continue;
    }
    const slices: string[] = [];
    for (let i = 0; i < value.length; i += SLICE) {
      slices.push(JSON.stringify(value.slice(i, i + SLICE)).slice(1, -1));
      await yieldToLoop();
    }
    parts.push(`${JSON.stringify(key)}:[${slices.filter((x) => x.length > 0).join(',')}]`);
  }
  return `{${parts.join(',')}}`;
}
