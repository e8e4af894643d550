import { crc32, deflateRawSync } from 'node:zlib';

import { ClawbarError } from '../../../common/errors';

/**
 * A small zip writer (PKWARE APPNOTE 6.3, no zip64): directories, files with Unix modes (so
 * executables stay executable) and symlinks, deflated, UTF-8 names. Used for the diagnostics
 * bundle and for the stand-in Ollama.app archive in tests. Archives stay well below the 4 GiB and
 * 65,535-entry limits of the classic format; larger ones are refused rather than written corrupt.
 */
export interface ZipEntry {
  name: string;
  /** Absent for a directory (name ends with /). */
  content?: string | Buffer;
  mode?: number;
  symlink?: boolean;
  /** The entry's modification time; 1980-01-01 (the format's epoch) when absent. */
  mtime?: Date;
}

const maxClassicSize = 0xffffffff;
const maxClassicEntries = 0xffff;

/** MS-DOS date and time, local time as zip tools read it; 2 s resolution, 1980 at the earliest. */
export function dosDateTime(date: Date | undefined): { date: number; time: number } {
  if (!date || date.getFullYear() < 1980) return { date: 0x21, time: 0 };
  return {
    date: ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
  };
}

export function zip(entries: readonly ZipEntry[]): Buffer {
  if (entries.length > maxClassicEntries) {
    throw new ClawbarError('invalid-input', `A zip archive holds at most ${maxClassicEntries} entries.`);
  }
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const isDir = entry.name.endsWith('/');
    const data = isDir
      ? Buffer.alloc(0)
      : Buffer.isBuffer(entry.content)
        ? entry.content
        : Buffer.from(entry.content ?? '', 'utf8');
    const compressed = isDir || entry.symlink ? data : deflateRawSync(data);
    const method = isDir || entry.symlink ? 0 : 8;
    const crc = crc32(data);
    const type = isDir ? 0o040000 : entry.symlink ? 0o120000 : 0o100000;
    const mode = (type | (entry.mode ?? (isDir ? 0o755 : 0o644))) >>> 0;
    const stamp = dosDateTime(entry.mtime);
    if (data.length > maxClassicSize || offset + 30 + name.length + compressed.length > maxClassicSize) {
      throw new ClawbarError('invalid-input', `${entry.name} does not fit in a zip archive without zip64.`);
    }

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(stamp.time, 10);
    local.writeUInt16LE(stamp.date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 30, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(stamp.time, 12);
    central.writeUInt16LE(stamp.date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  if (offset + directory.length > maxClassicSize) {
    throw new ClawbarError('invalid-input', 'The archive does not fit in a zip file without zip64.');
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
