// A disk that fills up on demand, as a real one does: the write that crosses the limit stores
// part of its bytes and reports a short count, the next one fails with ENOSPC.
import { durableFileOps, realDisk, type Disk, type FileOps } from '../../server/store/embedded/durable-file.js';

export interface FullDisk {
  fileOps: FileOps;
  /** From now on only `bytes` more bytes fit. */
  fill(bytes?: number): void;
  /** Space is back. */
  free(): void;
  /** Each write stores at most `bytes` (short writes on a disk that is not full); null: no cap. */
  shortWrites(bytes: number | null): void;
  /** Writes refused with ENOSPC so far. */
  refused: number;
}

export function fullDisk(): FullDisk {
  let room = Infinity;
  let cap = Infinity;
  const state: FullDisk = {
    fileOps: null as unknown as FileOps,
    fill: (bytes = 0) => (room = bytes),
    free: () => (room = Infinity),
    shortWrites: (bytes) => (cap = bytes ?? Infinity),
    refused: 0,
  };
  const disk: Disk = {
    ...realDisk,
    async write(fh, buf, offset, length) {
      if (room <= 0) {
        state.refused++;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      const n = await realDisk.write(fh, buf, offset, Math.min(length, room, cap));
      room -= n;
      return n;
    },
  };
  state.fileOps = durableFileOps(disk);
  return state;
}
