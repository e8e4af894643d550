import { existsSync } from 'node:fs';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

import type { KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';

import { ClawbarError, isClawbarError } from '../../../common/errors';
import type { SecretName } from '../../../common/secrets';
import type { AppState, PowerStatus } from '../../../common/state';
import type {
  UninstallChoices,
  UninstallItem,
  UninstallItemId,
  UninstallNoteCode,
  UninstallPlan,
  UninstallReport,
  UninstallResult,
} from '../../../common/support';
import type { VmOperation, VmOperationKind } from '../../../common/vm-model';
import { kubeError, type KubeConnection } from '../cluster/kube-connection';
import {
  listManaged,
  managedByLabel,
  managedByValue,
  objectKey,
  prunableKinds,
} from '../cluster/sandbox-apply';
import { ollamaBundleId } from '../llm/ollama-installer';
import type { Logger } from '../platform/log';
import type { AppPaths } from '../platform/paths';
import type { SecretStore } from '../platform/secret-store';
import { clawbarKubeName } from '../vm/kubeconfig';
import { clawbarExtensionName, removeFromUserKubeconfig, userKubeconfigPath } from '../vm/kubeconfig-merge';
import type { LimaInstanceRecord } from '../vm/limactl-output';
import { diskUsage } from './disk-usage';
import { readOllamaInstallRecord } from './ollama-install-record';

/**
 * Uninstalling Clawbar removes what Clawbar created and nothing else (SANDBOX.md, "where the manual
 * guide goes wrong" 9): its VM in its private LIMA_HOME, the sandbox's objects, its kubeconfig and
 * its own entries in ~/.kube/config, its login item, its Keychain items, its powermetrics rule, its
 * data folder's files. OpenClaw's state (~/.openclaw) stays unless the user ticks it; Ollama and its
 * models stay unless ticked, and can be ticked only when Clawbar installed Ollama.app itself.
 * `plan()` says exactly what; `execute()` removes exactly that, item by item, past failures.
 */

/** Launch at login is Electron's to change: the app gives the real port, other fronts one that says so. */
export interface LoginItemPort {
  /** Whether this front can change the login item, and whether Clawbar is registered now. */
  status(): { manageable: boolean; registered: boolean };
  remove(): Promise<void>;
}

/** Outside the app (CLI, devhost), the login item cannot be reached: the plan says so, nothing runs. */
export const unmanagedLoginItem: LoginItemPort = {
  status: () => ({ manageable: false, registered: false }),
  remove: () =>
    Promise.reject(
      new ClawbarError('invalid-input', 'The login item can only be removed by the Clawbar app.'),
    ),
};

export interface UninstallDependencies {
  paths: AppPaths;
  /** The user's home: ~/.openclaw, ~/.ollama, ~/.kube/config. */
  userHome: string;
  env: NodeJS.ProcessEnv;
  state: () => AppState;
  lima: {
    readonly instanceDir: string;
    readonly name: string;
    instance(signal?: AbortSignal): Promise<LimaInstanceRecord | undefined>;
  };
  vm: {
    shutdown(deadlineMs?: number): Promise<void>;
    perform(kind: VmOperationKind, signal?: AbortSignal): Promise<VmOperation>;
  };
  cluster: { namespace: string; connection(): KubeConnection | null };
  secrets: Pick<SecretStore, 'names' | 'delete'>;
  keychainService: string;
  ollama: { stopServer(): Promise<unknown> };
  power: { removePower(): Promise<PowerStatus> };
  loginItem: LoginItemPort;
  /** Stops what would write into the data folder while it is removed (status polls, a running install). */
  quiesce: () => Promise<void>;
  /** Writes the queued log lines and stops writing the log file: called before the logs go. */
  closeLogs: () => Promise<void>;
  log: Logger;
  now?: () => Date;
}

/** Where Clawbar notes that it installed Ollama.app (state folder). */
export function ollamaInstallRecordFile(paths: AppPaths): string {
  return join(paths.stateDir, 'ollama-install.json');
}

type Item = UninstallItem;

function item(
  id: UninstallItemId,
  targets: string[],
  options: {
    kind?: Item['kind'];
    choice?: Item['choice'];
    sizeBytes?: number | null;
    note?: UninstallNoteCode | null;
    params?: Record<string, string>;
  } = {},
): Item {
  return {
    id,
    kind: options.kind ?? 'removed',
    choice: options.choice ?? null,
    targets,
    sizeBytes: options.sizeBytes ?? null,
    note: options.note ?? null,
    params: options.params ?? {},
  };
}

export class UninstallService {
  private running = false;
  private readonly finished = new Set<(report: UninstallReport) => void>();

  constructor(private readonly deps: UninstallDependencies) {}

  /** Called after every uninstall (the app quits once one completed). */
  onDidFinish(listener: (report: UninstallReport) => void): { dispose(): void } {
    this.finished.add(listener);
    return { dispose: () => this.finished.delete(listener) };
  }

  async plan(): Promise<UninstallPlan> {
    const { paths } = this.deps;
    const state = this.deps.state();
    const items: Item[] = [];
    const size = (path: string) => diskUsage(path);

    if (state.llm.ollama.ownership === 'owned') {
      items.push(
        item('ollama-server', [
          `ollama serve${state.llm.ollama.pid ? ` (pid ${state.llm.ollama.pid})` : ''}`,
        ]),
      );
    }

    const record = await this.deps.lima.instance().catch(() => undefined);
    const vmPresent = record !== undefined || existsSync(this.deps.lima.instanceDir);
    if (vmPresent) {
      items.push(
        item('vm', [`limactl delete -f ${this.deps.lima.name}`, this.deps.lima.instanceDir], {
          sizeBytes: await size(this.deps.lima.instanceDir),
          params: { name: this.deps.lima.name, status: record?.status ?? 'unknown' },
        }),
      );
      items.push(
        item('cluster-objects', await this.clusterTargets(), {
          note: 'removed-with-vm',
          params: { namespace: this.deps.cluster.namespace, label: `${managedByLabel}=${managedByValue}` },
        }),
      );
    }
    if (existsSync(paths.limaHome)) {
      items.push(item('lima-home', [paths.limaHome], { sizeBytes: await size(paths.limaHome) }));
    }
    if (existsSync(paths.kubeconfig)) items.push(item('kubeconfig', [paths.kubeconfig]));

    const userKubeconfig = userKubeconfigPath(this.deps.env, this.deps.userHome);
    const entries = await clawbarEntries(userKubeconfig);
    if (entries.length > 0) {
      items.push(
        item(
          'user-kubeconfig',
          entries.map(section => `${userKubeconfig}: ${section} "${clawbarKubeName}"`),
          { note: 'only-clawbar-entries', params: { path: userKubeconfig } },
        ),
      );
    }

    const login = this.deps.loginItem.status();
    if (!login.manageable) items.push(item('login-item', [], { kind: 'kept', note: 'login-item-app-only' }));
    else if (login.registered) items.push(item('login-item', ['Clawbar']));

    try {
      const names = await this.deps.secrets.names();
      if (names.length > 0) {
        items.push(
          item(
            'keychain',
            names.map(name => `${this.deps.keychainService} / ${name}`),
            { params: { service: this.deps.keychainService } },
          ),
        );
      }
    } catch (error) {
      items.push(
        item('keychain', [], {
          kind: 'kept',
          note: 'keychain-unavailable',
          params: { service: this.deps.keychainService, reason: messageOf(error) },
        }),
      );
    }

    const power = state.metrics.power;
    if (power.setup === 'installed') {
      items.push(
        item('power-permission', power.rulePath ? [power.rulePath] : [], { note: 'needs-admin-prompt' }),
      );
    }

    const openclaw = join(this.deps.userHome, '.openclaw');
    if (existsSync(openclaw)) {
      items.push(
        item('openclaw-state', [openclaw], {
          kind: 'optional',
          choice: 'removeOpenclawState',
          sizeBytes: await size(openclaw),
        }),
      );
    }

    items.push(...(await this.ollamaItems(state)));

    const files: [UninstallItemId, string][] = [
      ['cache', paths.cacheDir],
      ['state', paths.stateDir],
      ['diagnostics', join(paths.home, 'diagnostics')],
    ];
    for (const [id, path] of files) {
      if (existsSync(path)) items.push(item(id, [path], { sizeBytes: await size(path) }));
    }
    const settingsFiles = await settingsFilesIn(paths);
    if (settingsFiles.length > 0) items.push(item('settings', settingsFiles));
    // Always: this very process writes its log there until the uninstall closes it.
    items.push(item('logs', [paths.logsDir], { sizeBytes: await size(paths.logsDir) }));
    if (existsSync(paths.home)) items.push(item('data-dir', [paths.home], { note: 'only-if-empty' }));

    return { items, createdAt: (this.deps.now?.() ?? new Date()).toISOString() };
  }

  /**
   * Removes what the plan lists: every `removed` item, an `optional` one only when its choice is
   * ticked, never a `kept` one. Each item reports how it went; a failure does not stop the others.
   */
  async execute(plan: UninstallPlan, choices: UninstallChoices): Promise<UninstallReport> {
    if (this.running) throw new ClawbarError('uninstall-busy', 'Clawbar is already being uninstalled.');
    this.running = true;
    try {
      const log = this.deps.log;
      log.info('Uninstalling Clawbar', { items: plan.items.map(entry => entry.id), ...choices });
      await this.deps.quiesce();
      const results: UninstallResult[] = [];
      const outcomeOf = (id: UninstallItemId) => results.find(result => result.id === id)?.outcome;
      for (const entry of plan.items) {
        if (entry.kind === 'kept') {
          results.push({ id: entry.id, outcome: 'kept', message: 'Kept: Clawbar does not remove this.' });
          continue;
        }
        if (entry.kind === 'optional' && !(entry.choice && choices[entry.choice])) {
          results.push({ id: entry.id, outcome: 'kept', message: 'Kept, as chosen.' });
          continue;
        }
        let result: UninstallResult;
        try {
          result = await this.remove(entry, outcomeOf);
        } catch (error) {
          result = { id: entry.id, outcome: 'failed', message: messageOf(error) };
        }
        if (result.outcome === 'failed')
          log.warn(`Uninstall: ${entry.id} failed`, { message: result.message });
        else log.info(`Uninstall: ${entry.id} ${result.outcome}`, { message: result.message });
        results.push(result);
      }
      const report: UninstallReport = {
        results,
        complete: results.every(result => result.outcome !== 'failed'),
      };
      for (const listener of this.finished) listener(report);
      return report;
    } finally {
      this.running = false;
    }
  }

  private async remove(
    entry: Item,
    outcomeOf: (id: UninstallItemId) => UninstallResult['outcome'] | undefined,
  ): Promise<UninstallResult> {
    const done = (outcome: UninstallResult['outcome'], message: string): UninstallResult => ({
      id: entry.id,
      outcome,
      message,
    });
    const [target] = entry.targets;
    switch (entry.id) {
      case 'ollama-server':
        await this.deps.ollama.stopServer();
        return done('removed', 'Stopped the Ollama server Clawbar had started.');
      case 'vm': {
        await this.deps.vm.shutdown();
        const operation = await this.deps.vm.perform('delete');
        if (operation.status !== 'succeeded') {
          return done('failed', operation.error?.message ?? `Deleting the VM ended ${operation.status}.`);
        }
        return done('removed', `Deleted the VM ${this.deps.lima.name} (limactl delete -f).`);
      }
      case 'cluster-objects': {
        const vm = outcomeOf('vm');
        if (vm === 'removed' || vm === 'absent') return done('removed', 'Removed with the VM.');
        return this.removeClusterObjects(done);
      }
      case 'lima-home': {
        const vm = outcomeOf('vm');
        if (
          vm === 'failed' &&
          (await this.deps.lima.instance().catch(() => undefined))?.status === 'Running'
        ) {
          return done('failed', 'Kept: the VM could not be deleted and still runs from this folder.');
        }
        return removePath(target, done);
      }
      case 'kubeconfig':
        // Deleting the VM takes its kubeconfig with it.
        if (!existsSync(target ?? '') && outcomeOf('vm') === 'removed')
          return done('removed', 'Removed with the VM.');
        return removePath(target, done);
      case 'openclaw-state':
      case 'cache':
      case 'state':
      case 'diagnostics':
        return removePath(target, done);
      case 'ollama-data':
        return removePath(target, done);
      case 'ollama-app':
        return this.removeOllamaApp(target, done);
      case 'user-kubeconfig': {
        const path = entry.params.path ?? '';
        const withVm = outcomeOf('vm') === 'removed';
        if (!existsSync(path)) return done('absent', `${path} is not there any more.`);
        // Deleting the VM also takes its entries out of the user's kubeconfig.
        if (withVm && (await clawbarEntries(path)).length === 0) {
          return done('removed', `Removed with the VM: ${path} has no Clawbar entries any more.`);
        }
        const result = await removeFromUserKubeconfig(path, this.deps.now);
        return result.changed
          ? done(
              'removed',
              `Removed the "${clawbarKubeName}" entries from ${path}${result.backupPath ? ` (backup: ${result.backupPath})` : ''}.`,
            )
          : done('absent', `${path} has no Clawbar entries any more.`);
      }
      case 'login-item':
        await this.deps.loginItem.remove();
        return done('removed', 'Clawbar no longer opens at login.');
      case 'keychain': {
        const removed: string[] = [];
        const failures: string[] = [];
        for (const account of entry.targets.map(label => label.split(' / ').pop() ?? '')) {
          try {
            if (await this.deps.secrets.delete(account as SecretName)) removed.push(account);
          } catch (error) {
            failures.push(`${account}: ${messageOf(error)}`);
          }
        }
        if (failures.length > 0) return done('failed', `Could not remove ${failures.join('; ')}`);
        return removed.length > 0
          ? done('removed', `Removed ${removed.join(', ')} from the Keychain (${this.deps.keychainService}).`)
          : done('absent', 'The Keychain items were not there any more.');
      }
      case 'power-permission': {
        const status = await this.deps.power.removePower();
        return status.setup === 'installed'
          ? done('failed', 'The powermetrics rule is still installed.')
          : done('removed', `Removed the powermetrics rule${target ? ` (${target})` : ''}.`);
      }
      case 'settings': {
        for (const file of entry.targets) await rm(file, { force: true });
        return done('removed', `Removed ${entry.targets.join(', ')}.`);
      }
      case 'logs':
        await this.deps.closeLogs();
        return removePath(target, done);
      case 'data-dir':
        return removeIfEmpty(target, done);
    }
  }

  /** The VM stays (its deletion failed): take Clawbar's objects out of the cluster through the API. */
  private async removeClusterObjects(
    done: (outcome: UninstallResult['outcome'], message: string) => UninstallResult,
  ): Promise<UninstallResult> {
    const connection = this.deps.cluster.connection();
    if (!connection) return done('failed', 'The VM stays and its cluster cannot be reached.');
    const namespace = this.deps.cluster.namespace;
    const objects = await listManaged(connection, namespace, prunableKinds);
    for (const object of objects) await deleteObject(connection, object);
    const namespaceObject = await connection.core.readNamespace({ name: namespace }).catch(() => undefined);
    if (namespaceObject?.metadata?.labels?.[managedByLabel] === managedByValue) {
      await connection.core.deleteNamespace({ name: namespace }).catch((error: unknown) => {
        const failure = kubeError(error, `Deleting namespace ${namespace}`);
        if (failure.code !== 'not-found') throw failure;
      });
    }
    return done('removed', `Deleted ${objects.length} Clawbar objects from the cluster.`);
  }

  private async removeOllamaApp(
    target: string | undefined,
    done: (outcome: UninstallResult['outcome'], message: string) => UninstallResult,
  ): Promise<UninstallResult> {
    if (!target || !existsSync(target))
      return done('absent', `${target ?? 'Ollama.app'} is not there any more.`);
    // The record names the app Clawbar installed; it must still be that app before it goes.
    if (!(await isOllamaApp(target))) {
      return done('failed', `Kept: ${target} is no longer the Ollama.app Clawbar installed.`);
    }
    const running = this.deps.state().components.ollama.state === 'running';
    await rm(target, { recursive: true, force: true });
    return done(
      'removed',
      running ? `Removed ${target}; Ollama keeps running until you quit it.` : `Removed ${target}.`,
    );
  }

  private async clusterTargets(): Promise<string[]> {
    const namespace = this.deps.cluster.namespace;
    const generic = [`namespace ${namespace}`, `objects labelled ${managedByLabel}=${managedByValue}`];
    const connection = this.deps.cluster.connection();
    if (!connection) return generic;
    try {
      const objects = await withDeadline(listManaged(connection, namespace, prunableKinds), 10_000);
      return [`namespace ${namespace}`, ...objects.map(objectKey).sort()];
    } catch {
      return generic;
    }
  }

  private async ollamaItems(state: AppState): Promise<Item[]> {
    const record = await readOllamaInstallRecord(ollamaInstallRecordFile(this.deps.paths));
    const data = join(this.deps.userHome, '.ollama');
    const items: Item[] = [];
    if (record && existsSync(record.appPath)) {
      items.push(
        item('ollama-app', [record.appPath], {
          kind: 'optional',
          choice: 'removeOllama',
          sizeBytes: await diskUsage(record.appPath),
          ...(state.components.ollama.state === 'running' ? { note: 'still-running' as const } : {}),
        }),
      );
      if (existsSync(data)) {
        items.push(
          item('ollama-data', [data], {
            kind: 'optional',
            choice: 'removeOllama',
            sizeBytes: await diskUsage(data),
          }),
        );
      }
      return items;
    }
    const binary = state.llm.ollama.binary?.path;
    if (binary) items.push(item('ollama-app', [binary], { kind: 'kept', note: 'not-installed-by-clawbar' }));
    if (existsSync(data))
      items.push(item('ollama-data', [data], { kind: 'kept', note: 'not-installed-by-clawbar' }));
    return items;
  }
}

/** Which of the kubeconfig's sections hold an entry named `clawbar` carrying Clawbar's marker. */
export async function clawbarEntries(path: string): Promise<string[]> {
  let document: unknown;
  try {
    document = parse(await readFile(path, 'utf8'));
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const [key, payload] of [
    ['clusters', 'cluster'],
    ['users', 'user'],
    ['contexts', 'context'],
  ] as const) {
    const list = (document as Record<string, unknown> | null)?.[key];
    if (!Array.isArray(list)) continue;
    const ours = list.some(entry => {
      const record = entry as { name?: unknown } & Record<string, { extensions?: unknown } | undefined>;
      const extensions = record[payload]?.extensions;
      return (
        record.name === clawbarKubeName &&
        Array.isArray(extensions) &&
        extensions.some(extension => (extension as { name?: unknown } | null)?.name === clawbarExtensionName)
      );
    });
    if (ours) found.push(payload);
  }
  return found;
}

/** settings.json and the copies Clawbar set aside when it was unreadable (settings.json.invalid-…). */
async function settingsFilesIn(paths: AppPaths): Promise<string[]> {
  const name = basename(paths.settingsFile);
  const names = await readdir(paths.home).catch(() => [] as string[]);
  return names
    .filter(entry => entry === name || entry.startsWith(`${name}.invalid-`))
    .sort()
    .map(entry => join(paths.home, entry));
}

async function removePath(
  target: string | undefined,
  done: (outcome: UninstallResult['outcome'], message: string) => UninstallResult,
): Promise<UninstallResult> {
  if (!target) return done('absent', 'Nothing to remove.');
  if (!existsSync(target)) return done('absent', `${target} is not there any more.`);
  await rm(target, { recursive: true, force: true });
  return done('removed', `Removed ${target}.`);
}

/** The data folder goes only when nothing but Clawbar's own files was in it: it is never emptied. */
async function removeIfEmpty(
  target: string | undefined,
  done: (outcome: UninstallResult['outcome'], message: string) => UninstallResult,
): Promise<UninstallResult> {
  if (!target || !existsSync(target))
    return done('absent', `${target ?? 'The data folder'} is not there any more.`);
  const left = await readdir(target);
  if (left.length > 0) {
    const shown = left.sort().slice(0, 5).join(', ');
    return done(
      'kept',
      `Kept ${target}: it holds files Clawbar did not create (${shown}${left.length > 5 ? ', …' : ''}).`,
    );
  }
  await rmdir(target);
  return done('removed', `Removed ${target}.`);
}

async function isOllamaApp(appPath: string): Promise<boolean> {
  const plist = await readFile(join(appPath, 'Contents', 'Info.plist'), 'utf8').catch(() => '');
  return basename(appPath) === 'Ollama.app' && plist.includes(`<string>${ollamaBundleId}</string>`);
}

async function deleteObject(connection: KubeConnection, object: KubernetesObject): Promise<void> {
  try {
    await connection.objects.delete(object, undefined, undefined, undefined, undefined, 'Background');
  } catch (error) {
    const failure = kubeError(error, `Deleting ${objectKey(object)}`);
    if (failure.code !== 'not-found') throw failure;
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ClawbarError('timeout', 'No answer in time.')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  if (isClawbarError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}
