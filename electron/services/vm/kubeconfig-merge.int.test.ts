import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { ClawbarError } from '../../../common/errors';
import { prepareKubeconfig } from './kubeconfig';
import {
  clawbarExtensionName,
  mergeIntoUserKubeconfig,
  removeFromUserKubeconfig,
  userKubeconfigPath,
} from './kubeconfig-merge';

/** A user's kubeconfig with other clusters, comments, unknown fields and a current-context of its own. */
const userConfig = `# my clusters — hand-edited
apiVersion: v1
kind: Config
current-context: prod
preferences:
  colors: true
clusters:
- name: prod
  cluster:
    server: https://prod.example.com:6443
    certificate-authority-data: cHJvZA==
    proxy-url: http://proxy.internal:3128 # keep me
- name: kind-dev
  cluster:
    server: https://127.0.0.1:41000
users:
- name: prod-admin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: aws
      args: [eks, get-token]
contexts:
- name: prod
  context:
    cluster: prod
    user: prod-admin
    namespace: payments
x-custom-top-level: kept
`;

const ours = prepareKubeconfig(
  stringify({
    clusters: [
      {
        name: 'default',
        cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': 'Y2E=' },
      },
    ],
    users: [
      {
        name: 'default',
        user: { 'client-certificate-data': 'Y2VydA==', 'client-key-data': 'a2V5LWRhdGEtc2VjcmV0' },
      },
    ],
    contexts: [{ name: 'default', context: { cluster: 'default', user: 'default' } }],
    'current-context': 'default',
  }),
  51234,
);

interface Named {
  name: string;
  [key: string]: unknown;
}
interface Config {
  'current-context'?: string;
  clusters: Named[];
  users: Named[];
  contexts: Named[];
  preferences?: unknown;
  'x-custom-top-level'?: string;
}

const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});

async function tempHome(content?: string): Promise<{ home: string; path: string }> {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-home-'));
  homes.push(home);
  const path = userKubeconfigPath({}, home);
  if (content !== undefined) {
    await mkdir(join(home, '.kube'), { recursive: true });
    await writeFile(path, content, { mode: 0o600 });
  }
  return { home, path };
}

const now = () => new Date('2026-12-03T10:00:00.000Z');

describe('merging into ~/.kube/config', () => {
  it('adds only clawbar entries next to the other clusters, keeping fields, comments and current-context', async () => {
    const { path } = await tempHome(userConfig);
    const result = await mergeIntoUserKubeconfig(path, ours, now);
    expect(result.changed).toBe(true);
    const text = await readFile(path, 'utf8');
    const merged = parse(text) as Config;
    expect(merged['current-context']).toBe('prod');
    expect(merged.clusters.map(cluster => cluster.name)).toEqual(['prod', 'kind-dev', 'clawbar']);
    expect(merged.users.map(user => user.name)).toEqual(['prod-admin', 'clawbar']);
    expect(merged.contexts.map(context => context.name)).toEqual(['prod', 'clawbar']);
    expect(merged.clusters[2]).toMatchObject({
      cluster: { server: 'https://127.0.0.1:51234', extensions: [{ name: clawbarExtensionName }] },
    });
    expect(merged.contexts[0]).toEqual({
      name: 'prod',
      context: { cluster: 'prod', user: 'prod-admin', namespace: 'payments' },
    });
    expect(merged['x-custom-top-level']).toBe('kept');
    expect(merged.preferences).toEqual({ colors: true });
    expect(text).toContain('# my clusters — hand-edited');
    expect(text).toContain('proxy-url: http://proxy.internal:3128 # keep me');
    expect(parse(text)).toMatchObject({
      users: [{ user: { exec: { command: 'aws', args: ['eks', 'get-token'] } } }, {}],
    });
  });

  it('backs the file up first, writes atomically and keeps its mode', async () => {
    const { home, path } = await tempHome(userConfig);
    await chmod(path, 0o640);
    const result = await mergeIntoUserKubeconfig(path, ours, now);
    expect(result.backupPath).toBe(`${path}.clawbar-backup-2026-12-03T10-00-00-000Z`);
    expect(await readFile(result.backupPath!, 'utf8')).toBe(userConfig);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    // No temporary file left behind.
    expect((await readdir(join(home, '.kube'))).sort()).toEqual([
      'config',
      'config.clawbar-backup-2026-12-03T10-00-00-000Z',
    ]);
  });

  it('updates its own entries in place on the next start, and writes nothing when nothing changed', async () => {
    const { path } = await tempHome(userConfig);
    await mergeIntoUserKubeconfig(path, ours, now);
    const moved = prepareKubeconfig(ours.yaml.replace('51234', '6443'), 52000);
    await mergeIntoUserKubeconfig(path, moved, () => new Date('2026-12-03T11:00:00.000Z'));
    const merged = parse(await readFile(path, 'utf8')) as Config;
    expect(merged.clusters.filter(cluster => cluster.name === 'clawbar')).toHaveLength(1);
    expect(merged.clusters[2]).toMatchObject({ cluster: { server: 'https://127.0.0.1:52000' } });
    const before = await readFile(path, 'utf8');
    expect((await mergeIntoUserKubeconfig(path, moved, now)).changed).toBe(false);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('refuses to overwrite a clawbar entry the user wrote, and leaves the file untouched', async () => {
    const mine = userConfig.replace('- name: kind-dev', '- name: clawbar');
    const { path } = await tempHome(mine);
    await expect(mergeIntoUserKubeconfig(path, ours, now)).rejects.toMatchObject({
      code: 'kubeconfig-conflict',
    });
    expect(await readFile(path, 'utf8')).toBe(mine);
  });

  it('refuses a file that is not YAML or not a kubeconfig, leaving it untouched', async () => {
    for (const broken of ['clusters: [\n  - {oops', '- just\n- a list\n', 'clusters: "not a list"\n']) {
      const { path } = await tempHome(broken);
      const error = await mergeIntoUserKubeconfig(path, ours, now).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ClawbarError);
      expect((error as ClawbarError).code).toBe('kubeconfig-invalid');
      expect(await readFile(path, 'utf8')).toBe(broken);
    }
  });

  it('creates ~/.kube/config when there is none, without setting a current-context', async () => {
    const { path } = await tempHome();
    const result = await mergeIntoUserKubeconfig(path, ours, now);
    expect(result).toMatchObject({ changed: true });
    expect(result.backupPath).toBeUndefined();
    const created = parse(await readFile(path, 'utf8')) as Config;
    expect(created['current-context']).toBeUndefined();
    expect(created.clusters.map(cluster => cluster.name)).toEqual(['clawbar']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('uses the first file of $KUBECONFIG, like kubectl', () => {
    expect(userKubeconfigPath({ KUBECONFIG: '/a/one:/b/two' }, '/Users/me')).toBe('/a/one');
    expect(userKubeconfigPath({}, '/Users/me')).toBe('/Users/me/.kube/config');
  });
});

describe('removing from ~/.kube/config', () => {
  it('removes exactly the clawbar entries and gives back the original content', async () => {
    const { path } = await tempHome(userConfig);
    await mergeIntoUserKubeconfig(path, ours, now);
    const result = await removeFromUserKubeconfig(path, () => new Date('2026-12-03T12:00:00.000Z'));
    expect(result.changed).toBe(true);
    const after = parse(await readFile(path, 'utf8')) as Config;
    expect(after).toEqual(parse(userConfig));
    expect(await readFile(path, 'utf8')).toContain('# my clusters — hand-edited');
  });

  it('leaves a clawbar entry it did not write, and does nothing when there is nothing of ours', async () => {
    const mine = userConfig.replace('- name: kind-dev', '- name: clawbar');
    const { path } = await tempHome(mine);
    expect((await removeFromUserKubeconfig(path, now)).changed).toBe(false);
    expect(await readFile(path, 'utf8')).toBe(mine);
  });
});
