import { copyFile, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, delimiter, dirname, join } from 'node:path';

import { isDeepStrictEqual } from 'node:util';

import { isMap, isSeq, parseDocument, type Document } from 'yaml';

import { ClawbarError } from '../../../common/errors';
import { writeFileAtomic } from '../platform/atomic-write';
import { clawbarKubeName, type ClawbarKubeconfig } from './kubeconfig';

/**
 * The opt-in merge of Clawbar's cluster into the user's kubeconfig, done the careful way: only
 * entries named `clawbar` that carry Clawbar's marker extension are written or removed (an entry of
 * that name without the marker is the user's, and is refused rather than overwritten); every other
 * entry, field and comment is kept; a backup is made first; the write is atomic; and
 * current-context is never changed.
 */
export const clawbarExtensionName = 'clawbar.openclaw.ai';
const backupsKept = 3;

const sections = [
  { key: 'clusters', payload: 'cluster' },
  { key: 'users', payload: 'user' },
  { key: 'contexts', payload: 'context' },
] as const;

/** The first file of $KUBECONFIG, as kubectl writes to it, else ~/.kube/config. */
export function userKubeconfigPath(env: NodeJS.ProcessEnv, userHome: string): string {
  const first = env.KUBECONFIG?.split(delimiter).find(entry => entry.trim() !== '');
  return first ?? join(userHome, '.kube', 'config');
}

export interface MergeResult {
  path: string;
  changed: boolean;
  backupPath?: string;
}

export async function mergeIntoUserKubeconfig(
  path: string,
  kubeconfig: ClawbarKubeconfig,
  now: () => Date = () => new Date(),
): Promise<MergeResult> {
  const marker = [
    { name: clawbarExtensionName, extension: { provider: clawbarExtensionName, note: 'Managed by Clawbar' } },
  ];
  const payloads = {
    clusters: { ...kubeconfig.cluster, extensions: marker },
    users: { ...kubeconfig.user, extensions: marker },
    contexts: { cluster: clawbarKubeName, user: clawbarKubeName, extensions: marker },
  };
  return rewrite(path, now, document => {
    let modified = false;
    for (const { key, payload } of sections) {
      const list = sequence(document, key, true);
      const index = list.items.findIndex(item => isMap(item) && item.get('name') === clawbarKubeName);
      const wanted = { name: clawbarKubeName, [payload]: payloads[key] };
      if (index === -1) {
        list.items.push(document.createNode(wanted));
        modified = true;
        continue;
      }
      const existing = list.items[index];
      if (!isOurs(existing, payload)) {
        throw new ClawbarError(
          'kubeconfig-conflict',
          `${path} already has a ${payload} named "${clawbarKubeName}" that Clawbar did not write; it was left untouched.`,
        );
      }
      if (isMap(existing) && isDeepStrictEqual(existing.toJSON(), wanted)) continue;
      list.items[index] = document.createNode(wanted);
      modified = true;
    }
    return modified;
  });
}

export async function removeFromUserKubeconfig(
  path: string,
  now: () => Date = () => new Date(),
): Promise<MergeResult> {
  return rewrite(path, now, document => {
    let modified = false;
    for (const { key, payload } of sections) {
      const list = sequence(document, key, false);
      if (!list) continue;
      const kept = list.items.filter(
        item => !(isMap(item) && item.get('name') === clawbarKubeName && isOurs(item, payload)),
      );
      if (kept.length === list.items.length) continue;
      modified = true;
      // A list that held only our entry goes with it, so the file reads as it did before the merge.
      if (kept.length === 0) document.delete(key);
      else list.items = kept;
    }
    return modified;
  });
}

/** Applies `change` (which says whether it changed anything) and writes only when it did. */
async function rewrite(
  path: string,
  now: () => Date,
  change: (document: Document) => boolean,
): Promise<MergeResult> {
  let original: string | undefined;
  let mode = 0o600;
  try {
    original = await readFile(path, 'utf8');
    mode = (await stat(path)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ClawbarError('kubeconfig-invalid', `Could not read ${path}: ${(error as Error).message}`);
    }
  }
  let document = parseDocument(original ?? 'apiVersion: v1\nkind: Config\n');
  if (document.errors.length > 0) {
    throw new ClawbarError(
      'kubeconfig-invalid',
      `${path} is not valid YAML (${document.errors[0]?.message ?? 'parse error'}); Clawbar left it untouched.`,
    );
  }
  // An empty file (or one with only comments) becomes a kubeconfig, its comments kept.
  if (document.contents === null)
    document = parseDocument(`${original ?? ''}\napiVersion: v1\nkind: Config\n`);
  if (!isMap(document.contents)) {
    throw new ClawbarError(
      'kubeconfig-invalid',
      `${path} is not a kubeconfig (not a mapping); Clawbar left it untouched.`,
    );
  }
  if (!change(document)) return { path, changed: false };
  const next = document.toString({ lineWidth: 0, indentSeq: false });
  let backupPath: string | undefined;
  try {
    if (original !== undefined) {
      backupPath = `${path}.clawbar-backup-${now().toISOString().replace(/[:.]/g, '-')}`;
      await copyFile(path, backupPath);
      await pruneBackups(path);
    }
    await writeFileAtomic(path, next, mode);
  } catch (error) {
    throw new ClawbarError(
      'kubeconfig-write-failed',
      `Could not update ${path}: ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  return backupPath ? { path, changed: true, backupPath } : { path, changed: true };
}

function sequence(document: Document, key: string, create: true): { items: unknown[] };
function sequence(document: Document, key: string, create: false): { items: unknown[] } | undefined;
function sequence(document: Document, key: string, create: boolean): { items: unknown[] } | undefined {
  const node = document.get(key, true);
  if (isSeq(node)) return node;
  if (
    node === undefined ||
    node === null ||
    (typeof node === 'object' && 'value' in node && node.value === null)
  ) {
    if (!create) return undefined;
    const list = document.createNode([]);
    document.set(key, list);
    return list;
  }
  throw new ClawbarError(
    'kubeconfig-invalid',
    `The kubeconfig's "${key}" is not a list; Clawbar left it untouched.`,
  );
}

/** Clawbar's entries carry its extension (clusters, users and contexts all have `extensions`). */
function isOurs(item: unknown, payload: (typeof sections)[number]['payload']): boolean {
  if (!isMap(item)) return false;
  const body = item.get(payload, true);
  if (!isMap(body)) return false;
  const extensions = body.get('extensions', true);
  return (
    isSeq(extensions) &&
    extensions.items.some(extension => isMap(extension) && extension.get('name') === clawbarExtensionName)
  );
}

async function pruneBackups(path: string): Promise<void> {
  const prefix = `${basename(path)}.clawbar-backup-`;
  const dir = dirname(path);
  const backups = (await readdir(dir)).filter(name => name.startsWith(prefix)).sort();
  for (const old of backups.slice(0, Math.max(0, backups.length - backupsKept))) {
    await rm(join(dir, old), { force: true });
  }
}
