// The store's file layer: durable journal appends (no torn line left behind on a full disk) and a
// lowdb adapter whose writes are temp file, fsync, rename, fsync of the directory.
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

export class StoreCorruptError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `The store file ${file} cannot be read: ${reason}. Seatdesk will not start on it and has not changed it. ` +
        `Restore it from a backup (or move it aside to start empty) and start again.`,
    );
    this.name = 'StoreCorruptError';
  }
}

/** The file layer the store writes through. */
export interface FileOps {
  writeDurable(file: string, text: string): Promise<void>;
  /**
   * Appends to an open journal and waits until it is on disk. On failure the file is as it was
   * before the call (or, if even that cannot be done, it is repaired before the next append).
   */
  appendDurable(fh: FileHandle, text: string): Promise<void>;
}

/** The system calls under FileOps, replaceable in tests to inject disk faults. */
export interface Disk {
  /** One write(2) at the file's end (journals are opened for append); it may write fewer bytes. */
  write(fh: FileHandle, buf: Uint8Array, offset: number, length: number): Promise<number>;
  datasync(fh: FileHandle): Promise<void>;
  sync(fh: FileHandle): Promise<void>;
  truncate(fh: FileHandle, size: number): Promise<void>;
  size(fh: FileHandle): Promise<number>;
}

export const realDisk: Disk = {
  write: async (fh, buf, offset, length) => (await fh.write(buf, offset, length)).bytesWritten,
  datasync: (fh) => fh.datasync(),
  sync: (fh) => fh.sync(),
  truncate: (fh, size) => fh.truncate(size),
  size: async (fh) => (await fh.stat()).size,
};

/** Writes all of `buf`, continuing after short writes; a write that makes no progress fails. */
async function writeAll(disk: Disk, fh: FileHandle, buf: Uint8Array): Promise<void> {
  for (let done = 0; done < buf.length;) {
    const n = await disk.write(fh, buf, done, buf.length - done);
    if (!(n > 0))
      throw Object.assign(new Error(`no space left on device (a write stored ${done} of ${buf.length} bytes)`), {
        code: 'ENOSPC',
      });
    done += n;
  }
}

export function durableFileOps(disk: Disk = realDisk): FileOps {
  /** Journals left with a partial line that could not be cut off yet: the size to cut back to. */
  const torn = new WeakMap<FileHandle, number>();
  const cutBack = async (fh: FileHandle, size: number) => {
    // Only ever shrink: truncating to a size past the end would pad the file with NUL bytes.
    if ((await disk.size(fh)) > size) await disk.truncate(fh, size);
    await disk.datasync(fh);
  };
  return {
    async appendDurable(fh, text) {
      const pending = torn.get(fh);
      if (pending !== undefined) {
        await cutBack(fh, pending);
        torn.delete(fh);
      }
      const start = await disk.size(fh);
      try {
        await writeAll(disk, fh, Buffer.from(text));
        await disk.datasync(fh);
      } catch (e) {
        // A full disk stores part of the line: take it off, so the next entry starts a line of its own.
        await cutBack(fh, start).catch(() => torn.set(fh, start));
        throw e;
      }
    },
    async writeDurable(file, text) {
      const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
      try {
        const fh = await open(tmp, 'w', 0o600);
        try {
          await writeAll(disk, fh, Buffer.from(text));
          await disk.sync(fh);
        } finally {
          await fh.close();
        }
        await rename(tmp, file);
      } catch (e) {
        await unlink(tmp).catch(() => {});
        throw e;
      }
      await fsyncDir(dirname(file));
    },
  };
}

export const realFileOps: FileOps = durableFileOps();

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
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new StoreCorruptError(this.file, `not valid JSON (${(e as Error).message})`);
    }
    // Only a missing file is a new store: lowdb would take null (or 0, "", false) as "no data yet".
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw new StoreCorruptError(
        this.file,
        `it holds ${Array.isArray(data) ? 'an array' : JSON.stringify(data)?.slice(0, 40)}, not a store (a JSON object)`,
      );
    return data as T;
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
