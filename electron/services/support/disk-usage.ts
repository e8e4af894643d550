import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bytes a file or folder takes on disk (allocated blocks, as `du` counts them: a VM's sparse disk
 * image counts what it holds, not its nominal size). Symlinks are not followed. Null when the path
 * does not exist or the walk would visit more than `maxEntries` entries (then it is not cheap).
 */
export async function diskUsage(path: string, maxEntries = 50_000): Promise<number | null> {
  let visited = 0;
  const walk = async (current: string): Promise<number | null> => {
    visited += 1;
    if (visited > maxEntries) return null;
    const info = await lstat(current);
    const own = info.blocks * 512;
    if (!info.isDirectory()) return own;
    let total = own;
    for (const name of await readdir(current)) {
      const size = await walk(join(current, name));
      if (size === null) return null;
      total += size;
    }
    return total;
  };
  try {
    return await walk(path);
  } catch {
    return null;
  }
}
