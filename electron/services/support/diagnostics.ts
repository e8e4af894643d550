import { open, readdir, stat } from 'node:fs/promises';
import { arch, release, type as osType, version as osVersion } from 'node:os';
import { basename, join } from 'node:path';

import type { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';

import type { AppInfo } from '../../../common/contract';
import { ClawbarError, isClawbarError } from '../../../common/errors';
import type { Progress } from '../../../common/progress';
import type { AllowlistView } from '../../../common/sandbox';
import { secretNames } from '../../../common/secrets';
import type { Settings } from '../../../common/settings';
import type { AppState } from '../../../common/state';
import type { DiagnosticsMissing, DiagnosticsResult } from '../../../common/support';
import type { PreflightReport } from '../../../common/vm-model';
import { kubeError, type KubeConnection } from '../cluster/kube-connection';
import { namespaceEvents } from '../cluster/sandbox-events';
import { managedByLabel, managedByValue } from '../cluster/sandbox-apply';
import { writeFileAtomic } from '../platform/atomic-write';
import type { Logger } from '../platform/log';
import type { AppPaths } from '../platform/paths';
import type { Redactor } from '../platform/redact';
import type { SecretStore } from '../platform/secret-store';
import { zip, type ZipEntry } from '../platform/zip';
import type { LimaInstanceRecord } from '../vm/limactl-output';
import { BundleSecrets } from './bundle-secrets';

/**
 * The diagnostics bundle: one zip with what a supporter needs to understand a problem — the app's
 * logs (every rotated file), the VM's (host agent, serial console), k3s's journal, the sandbox's
 * events and objects (Secrets by key name only, never their data), the policy and self-test
 * results, the settings, AppState, versions, the VM template and the preflight report. Every entry
 * is redacted, then the whole is scanned for the secrets Clawbar knows; a hit means no bundle.
 * A part that cannot be collected is named in MISSING.txt with the reason, and the rest goes on.
 */
export interface DiagnosticsSources {
  info: AppInfo;
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  state: () => AppState;
  settings: () => Settings;
  lima: {
    readonly instanceDir: string;
    instance(signal?: AbortSignal): Promise<LimaInstanceRecord | undefined>;
    k3sJournal(signal: AbortSignal | undefined, lines: number): Promise<string>;
  };
  vm: { template(): Promise<string>; preflight(signal?: AbortSignal): Promise<PreflightReport> };
  cluster: {
    namespace: string;
    /** The live connection, or one made from the dedicated kubeconfig; null when there is none. */
    connection(): Promise<KubeConnection | null>;
  };
  network: { allowlist(): AllowlistView };
  secrets: Pick<SecretStore, 'names' | 'get'>;
  /** The dedicated kubeconfig and Lima's copy: their credentials are scanned for, never included. */
  kubeconfigs: () => Promise<{ label: string; text: string | undefined }[]>;
  redactor: Redactor;
  log: Logger;
}

export interface DiagnosticsRequest {
  /** The zip to write (replaced if it exists). */
  file: string;
  signal?: AbortSignal | undefined;
  onProgress?: (progress: Progress) => void;
  now?: Date;
}

/** The bundle's steps, in order, as the progress reports them. */
export const diagnosticsSteps = [
  'secrets',
  'app',
  'logs',
  'lima',
  'k3s',
  'vm',
  'cluster',
  'sandbox',
  'scan',
  'write',
] as const;
export type DiagnosticsStep = (typeof diagnosticsSteps)[number];

/** Lines of k3s's journal (journalctl -n). */
export const k3sJournalLines = 2000;
/** Only the end of a larger file goes in (a serial console can grow for weeks). */
export const maxFileBytes = 16 * 1024 * 1024;
/** How long one cluster or guest request may take before the part is reported missing. */
const partDeadlineMs = 20_000;

/** Environment variables that explain how Clawbar found its tools; nothing else is copied. */
const environmentNames = [
  'PATH',
  'SHELL',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'CLAWBAR_HOME',
  'LIMA_HOME',
  'KUBECONFIG',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
] as const;

/** The sandbox's objects, as `kubectl get -o yaml` would list them (Secrets apart). */
const objectKinds = [
  { file: 'deployments', apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { file: 'replicasets', apiVersion: 'apps/v1', kind: 'ReplicaSet', namespaced: true },
  { file: 'pods', apiVersion: 'v1', kind: 'Pod', namespaced: true },
  { file: 'services', apiVersion: 'v1', kind: 'Service', namespaced: true },
  { file: 'configmaps', apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { file: 'networkpolicies', apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespaced: true },
  { file: 'serviceaccounts', apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { file: 'persistentvolumeclaims', apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespaced: true },
  { file: 'resourcequotas', apiVersion: 'v1', kind: 'ResourceQuota', namespaced: true },
  { file: 'limitranges', apiVersion: 'v1', kind: 'LimitRange', namespaced: true },
  { file: 'persistentvolumes', apiVersion: 'v1', kind: 'PersistentVolume', namespaced: false },
  { file: 'nodes', apiVersion: 'v1', kind: 'Node', namespaced: false },
] as const;

interface Entry {
  name: string;
  text: string;
  mtime?: Date;
}

class Collector {
  readonly entries: Entry[] = [];
  readonly missing: DiagnosticsMissing[] = [];

  constructor(private readonly secrets: BundleSecrets) {}

  text(name: string, text: string, mtime?: Date): void {
    this.entries.push({ name, text, ...(mtime ? { mtime } : {}) });
  }

  json(name: string, value: unknown): void {
    this.entries.push({ name, text: this.secrets.redactJson(value) });
  }

  miss(part: string, reason: string): void {
    this.missing.push({ part, reason: this.secrets.redact(reason) });
  }

  /** Runs one part; what it throws becomes its MISSING line (cancellation excepted). */
  async part(name: string, signal: AbortSignal | undefined, work: () => Promise<void> | void): Promise<void> {
    throwIfCancelled(signal);
    try {
      await work();
    } catch (error) {
      throwIfCancelled(signal);
      this.miss(name, reasonOf(error));
    }
  }
}

export async function writeDiagnosticsBundle(
  sources: DiagnosticsSources,
  request: DiagnosticsRequest,
): Promise<DiagnosticsResult> {
  const { signal } = request;
  const now = request.now ?? new Date();
  const root = basename(request.file).replace(/\.zip$/i, '') || 'clawbar-diagnostics';
  const secrets = new BundleSecrets(sources.redactor);
  const collect = new Collector(secrets);
  const progress = (step: DiagnosticsStep, detail: string): void =>
    request.onProgress?.({
      step,
      done: diagnosticsSteps.indexOf(step),
      total: diagnosticsSteps.length,
      detail,
    });

  progress('secrets', 'Reading the secrets to keep out of the bundle');
  await collect.part('secret-scan', signal, () => knownSecrets(sources, secrets));

  progress('app', 'App information, settings and state');
  await collect.part('app/info.json', signal, () => collect.json('app/info.json', appInfo(sources, now)));
  collect.json('app/environment.json', environment(sources.env));
  collect.json('app/settings.json', sources.settings());
  const state = sources.state();
  collect.json('app/state.json', state);
  await collect.part('app/install-state.json', signal, async () => {
    const install = await readTail(join(sources.paths.stateDir, 'install.json'));
    if (install) collect.text('app/install-state.json', install.text, install.mtime);
  });

  progress('logs', `App logs from ${sources.paths.logsDir}`);
  await collect.part('logs/', signal, async () => {
    // What this process logged so far goes in too.
    await sources.log.flush();
    const names = (await readdir(sources.paths.logsDir).catch(() => [] as string[]))
      .filter(name => name.endsWith('.log'))
      .sort();
    if (names.length === 0) throw new Error(`There are no log files in ${sources.paths.logsDir}.`);
    for (const name of names) {
      const file = await readTail(join(sources.paths.logsDir, name));
      if (file) collect.text(`logs/${name}`, file.text, file.mtime);
    }
  });

  progress('lima', `The VM's logs from ${sources.lima.instanceDir}`);
  let record: LimaInstanceRecord | undefined;
  await collect.part('lima/', signal, async () => {
    const names = await readdir(sources.lima.instanceDir).catch(() => {
      throw new Error(`There is no VM: ${sources.lima.instanceDir} does not exist.`);
    });
    const wanted = names
      .filter(name => /^(ha\.stderr\.log|ha\.stdout\.log|serial.*\.log|lima\.yaml)$/.test(name))
      .sort();
    for (const name of wanted) {
      const file = await readTail(join(sources.lima.instanceDir, name));
      if (file) collect.text(`lima/${name}`, file.text, file.mtime);
    }
  });
  await collect.part('lima/instance.json', signal, async () => {
    record = await withDeadline(sources.lima.instance(signal), 'limactl list');
    if (!record) throw new Error('limactl lists no instance named clawbar.');
    collect.json('lima/instance.json', record);
  });

  progress('k3s', "k3s's journal (journalctl -u k3s)");
  await collect.part('k3s/journal.log', signal, async () => {
    if (record?.status !== 'Running') {
      throw new Error(
        `The VM is not running (${record?.status ?? 'not created'}): k3s's journal is in the VM.`,
      );
    }
    collect.text('k3s/journal.log', `${await sources.lima.k3sJournal(signal, k3sJournalLines)}\n`);
  });

  progress('vm', 'The VM template and the preflight report');
  await collect.part('vm/template.yaml', signal, async () => {
    collect.text('vm/template.yaml', await withDeadline(sources.vm.template(), 'The VM template'));
  });
  await collect.part('vm/preflight.json', signal, async () => {
    collect.json('vm/preflight.json', await withDeadline(sources.vm.preflight(signal), 'The preflight'));
  });

  progress('cluster', 'Events and objects of the sandbox');
  await collect.part('cluster/', signal, () => clusterParts(sources, collect, signal));

  progress('sandbox', 'Network policies, allowlist and self-test');
  collect.json('sandbox/policies.json', state.cluster.policies);
  collect.json('sandbox/selftest.json', state.selfTest);
  await collect.part('sandbox/allowlist.json', signal, () =>
    collect.json('sandbox/allowlist.json', sources.network.allowlist()),
  );

  progress('scan', 'Checking that no secret is in the bundle');
  const finished: Entry[] = collect.entries.map(entry => ({ ...entry, text: secrets.redact(entry.text) }));
  finished.unshift({ name: 'README.txt', text: readme(sources.info, now, collect.missing) });
  if (collect.missing.length > 0) {
    finished.push({
      name: 'MISSING.txt',
      text: `${collect.missing.map(item => `${item.part}: ${item.reason}`).join('\n')}\n`,
    });
  }
  secrets.assertClean(finished);

  throwIfCancelled(signal);
  progress('write', `Writing ${request.file}`);
  const archive = zip(
    finished.map((entry): ZipEntry => ({
      name: `${root}/${entry.name}`,
      content: entry.text,
      mode: 0o600,
      mtime: entry.mtime ?? now,
    })),
  );
  try {
    await writeFileAtomic(request.file, archive, 0o600);
  } catch (error) {
    throw new ClawbarError(
      'diagnostics-write-failed',
      `Could not write ${request.file}: ${(error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  sources.log.info('Diagnostics bundle written', {
    file: request.file,
    bytes: archive.length,
    entries: finished.length,
    missing: collect.missing.map(item => item.part),
  });
  return { path: request.file, bytes: archive.length, missing: collect.missing };
}

/** The values to keep out: every secret in the Keychain, and the kubeconfigs' credentials. */
async function knownSecrets(sources: DiagnosticsSources, secrets: BundleSecrets): Promise<void> {
  for (const { label, text } of await sources.kubeconfigs()) secrets.addKubeconfig(text, label);
  const names = await sources.secrets.names();
  for (const name of names) {
    if (!(secretNames as readonly string[]).includes(name)) continue;
    secrets.add(await sources.secrets.get(name), name);
  }
}

function appInfo(sources: DiagnosticsSources, now: Date) {
  const state = sources.state();
  return {
    ...sources.info,
    createdAt: now.toISOString(),
    os: { type: osType(), release: release(), version: osVersion(), arch: arch() },
    limactl: state.vm.limactl,
    ollama: { binary: state.llm.ollama.binary, ownership: state.llm.ollama.ownership },
  };
}

/** The few variables that matter, with any `user:password@` in a proxy URL taken out. */
export function environment(env: NodeJS.ProcessEnv): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const name of environmentNames) {
    const value = env[name];
    if (value !== undefined)
      shown[name] = value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1[REDACTED]@');
  }
  return shown;
}

async function clusterParts(
  sources: DiagnosticsSources,
  collect: Collector,
  signal: AbortSignal | undefined,
): Promise<void> {
  const connection = await sources.cluster.connection();
  if (!connection) {
    throw new Error('There is no kubeconfig for the cluster yet (the VM has never been ready).');
  }
  const namespace = sources.cluster.namespace;
  // The events first: if the API does not answer, that is the one reason for the whole part.
  const events = await withDeadline(
    connection.core.listNamespacedEvent({ namespace }),
    `Listing the events of ${namespace}`,
  ).catch((error: unknown) => {
    throw kubeError(error, `Listing the events of ${namespace}`);
  });
  collect.json('cluster/events.json', namespaceEvents(events.items));
  for (const kind of objectKinds) {
    const name = `cluster/${kind.file}.yaml`;
    await collect.part(name, signal, async () => {
      const list = await withDeadline(
        connection.objects.list(
          kind.apiVersion,
          kind.kind,
          kind.namespaced ? namespace : undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          kind.kind === 'PersistentVolume' ? `${managedByLabel}=${managedByValue}` : undefined,
        ),
        `Listing ${kind.kind}s`,
      ).catch((error: unknown) => {
        throw kubeError(error, `Listing ${kind.kind}s`);
      });
      const items = list.items.map(item => plainObject(item, kind.apiVersion, kind.kind));
      collect.text(name, yamlList(items));
    });
  }
  await collect.part('cluster/secrets.yaml', signal, async () => {
    const list = await withDeadline(
      connection.core.listNamespacedSecret({ namespace }),
      'Listing Secrets',
    ).catch((error: unknown) => {
      throw kubeError(error, 'Listing Secrets');
    });
    // Never the data: which Secrets exist and which keys they hold is all a supporter needs.
    const shapes = list.items.map(secret => ({
      name: secret.metadata?.name ?? '',
      type: secret.type ?? 'Opaque',
      labels: secret.metadata?.labels ?? {},
      created: secret.metadata?.creationTimestamp
        ? new Date(secret.metadata.creationTimestamp).toISOString()
        : null,
      keys: Object.keys({ ...secret.data, ...secret.stringData }).sort(),
    }));
    collect.text('cluster/secrets.yaml', stringify(shapes, { lineWidth: 0 }));
  });
}

/** The object as plain data (dates as ISO text), kind first, without managedFields (noise for a reader). */
function plainObject(object: KubernetesObject, apiVersion: string, kind: string): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(object)) as { metadata?: Record<string, unknown> };
  delete plain.metadata?.managedFields;
  return { apiVersion, kind, ...plain };
}

function yamlList(items: Record<string, unknown>[]): string {
  return stringify({ apiVersion: 'v1', kind: 'List', items }, { lineWidth: 0 });
}

function readme(info: AppInfo, now: Date, missing: readonly DiagnosticsMissing[]): string {
  return [
    `Clawbar ${info.version} diagnostics, ${now.toISOString()} (${info.mode}, ${info.platform}/${info.arch})`,
    '',
    'app/       versions, the few environment variables that matter, settings, AppState, install state',
    'logs/      the app log and its rotated files',
    "lima/      the VM's host agent and serial console logs, its lima.yaml and limactl's view of it",
    "k3s/       k3s's journal in the VM (journalctl -u k3s -n 2000)",
    'vm/        the Lima template the settings produce, the preflight report',
    "cluster/   the sandbox's events and objects; Secrets by key name only",
    'sandbox/   network policies, the proxy allowlist, the last self-test',
    '',
    'Secrets are redacted in every file, and the bundle was checked for the gateway token, the',
    'provider keys and the cluster credentials before it was written.',
    missing.length > 0 ? `What could not be collected is listed in MISSING.txt (${missing.length}).` : '',
    '',
  ].join('\n');
}

/** The end of a file (at most maxFileBytes), or undefined when it does not exist. */
async function readTail(file: string): Promise<{ text: string; mtime: Date } | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = await stat(file);
    const length = Math.min(info.size, maxFileBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, info.size - length);
    const skipped = info.size - length;
    const text = buffer.toString('utf8');
    return {
      text: skipped > 0 ? `[… the first ${skipped} bytes are left out …]\n${text}` : text,
      mtime: info.mtime,
    };
  } finally {
    await handle.close();
  }
}

function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ClawbarError('timeout', `${what} did not answer within ${partDeadlineMs / 1000} s.`)),
      partDeadlineMs,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ClawbarError('cancelled', 'The diagnostics bundle was cancelled.');
}

function reasonOf(error: unknown): string {
  if (isClawbarError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}
