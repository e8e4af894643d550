import { ClawbarError, isClawbarError } from '../../../common/errors';
import { translate } from '../../../common/i18n';
import type { ClusterOperation } from '../../../common/sandbox';
import {
  checkSecretValue,
  gatewayTokenKey,
  isProviderSecretKey,
  providerKeyInfo,
  providerSecretKeys,
  type ProviderSecretKey,
  type SecretName,
} from '../../../common/secrets';
import type { Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import type { SecretStore } from '../platform/secret-store';
import { ensureGatewayToken } from './gateway-token';

/** What the secrets need of the sandbox: whether it is installed, and a way to update its Secret. */
export interface SecretsCluster {
  /** The sandbox's objects are on the server, so a changed key must reach Secret `openclaw-secrets`. */
  installed(): boolean;
  /** Another sandbox operation runs; an update would be refused (`cluster-busy`). */
  busy(): boolean;
  /** Applies the Secret with exactly these keys and rolls the gateway. */
  updateSecret(values: Readonly<Record<string, string>>): Promise<ClusterOperation>;
}

export interface SecretsServiceOptions {
  store: SecretStore;
  cluster: SecretsCluster;
  log: Logger;
  /** How often to look again while another sandbox operation runs. */
  busyRetryMs?: number;
}

/**
 * The provider keys the user manages (write-only: names come back, never values) and the gateway
 * token, in the Keychain. A change is pushed to the sandbox's Secret in the background when the
 * sandbox is installed: the Keychain write is what the caller waits for, the gateway's rollout
 * shows as a `secrets` sandbox operation. Changes run one at a time.
 */
export class SecretsService implements Disposable {
  private queue: Promise<unknown> = Promise.resolve();
  private syncWanted = false;
  private syncing: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private wakeRetry: (() => void) | undefined;
  private disposed = false;

  constructor(private readonly options: SecretsServiceOptions) {}

  /** The names of the secrets that are set (the gateway token included once it exists). */
  list(): Promise<SecretName[]> {
    return this.options.store.names();
  }

  /** The provider keys that are set (for rendering the gateway's env): the token left out. */
  async providerKeyNames(): Promise<ProviderSecretKey[]> {
    return (await this.options.store.names()).filter(isProviderSecretKey);
  }

  /** Checks and stores a provider key, then brings the sandbox up to date. */
  async set(name: ProviderSecretKey, raw: string): Promise<SecretName[]> {
    const value = checkedValue(name, raw);
    return this.serialized(async () => {
      await this.options.store.set(name, value);
      this.options.log.info('Provider key saved in the Keychain', { name });
      this.requestSync();
      return this.options.store.names();
    });
  }

  /**
   * Stores a key entered during the install, without touching the sandbox: the install applies
   * the Secret itself right after.
   */
  async saveProviderKey(name: ProviderSecretKey, raw: string): Promise<void> {
    const value = checkedValue(name, raw);
    await this.serialized(() => this.options.store.set(name, value));
    this.options.log.info('Provider key saved in the Keychain', { name });
  }

  async hasProviderKey(name: ProviderSecretKey): Promise<boolean> {
    return (await this.options.store.names()).includes(name);
  }

  async hasGatewayToken(): Promise<boolean> {
    return (await this.options.store.names()).includes(gatewayTokenKey);
  }

  /** Removes a provider key (nothing to remove is not an error), then brings the sandbox up to date. */
  delete(name: ProviderSecretKey): Promise<SecretName[]> {
    return this.serialized(async () => {
      if (await this.options.store.delete(name)) {
        this.options.log.info('Provider key removed from the Keychain', { name });
        this.requestSync();
      }
      return this.options.store.names();
    });
  }

  ensureGatewayToken(): Promise<string> {
    return ensureGatewayToken(this.options.store);
  }

  /**
   * What Secret `openclaw-secrets` must hold: the gateway token (generated on first use) and every
   * provider key that is set. Only for the cluster: never logged, never returned over the contract.
   */
  async clusterSecretValues(): Promise<Record<string, string>> {
    const values: Record<string, string> = { [gatewayTokenKey]: await this.ensureGatewayToken() };
    const set = new Set(await this.options.store.names());
    for (const name of providerSecretKeys) {
      if (!set.has(name)) continue;
      const value = await this.options.store.get(name);
      if (value !== undefined) values[name] = value;
    }
    return values;
  }

  /** Resolves when no push to the sandbox is pending (tests, and the install plan before it applies). */
  async whenSynced(): Promise<void> {
    while (this.syncing) await this.syncing;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retryTimer);
    this.wakeRetry?.();
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private requestSync(): void {
    if (!this.options.cluster.installed()) return;
    this.syncWanted = true;
    this.syncing ??= this.sync().finally(() => (this.syncing = null));
  }

  /** Pushes the current keys until nothing new is wanted; waits out other sandbox operations. */
  private async sync(): Promise<void> {
    while (this.syncWanted && !this.disposed) {
      if (this.options.cluster.busy()) {
        await this.pause();
        continue;
      }
      this.syncWanted = false;
      try {
        const operation = await this.options.cluster.updateSecret(await this.clusterSecretValues());
        if (operation.status === 'failed') {
          this.options.log.warn('The sandbox did not take the new keys', {
            code: operation.error?.code,
            message: operation.error?.message,
          });
        }
      } catch (error) {
        if (isClawbarError(error) && error.code === 'cluster-busy') {
          // Another operation started in between: try again once it is done.
          this.syncWanted = true;
          continue;
        }
        this.options.log.warn('Could not update the sandbox with the new keys', {
          code: isClawbarError(error) ? error.code : 'internal',
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  private pause(): Promise<void> {
    return new Promise(resolve => {
      this.wakeRetry = resolve;
      this.retryTimer = setTimeout(resolve, this.options.busyRetryMs ?? 1000);
      this.retryTimer.unref();
    });
  }
}

/** The value as stored, or the reasons it cannot be (in English, for the log and the CLI). */
function checkedValue(name: ProviderSecretKey, raw: string): string {
  const check = checkSecretValue(name, raw);
  if (check.ok) return check.value;
  const issues = check.problems
    .filter(problem => problem.severity === 'error')
    .map(problem => ({
      path: 'value',
      message: translate('en', `secrets.problems.${problem.code}`, problem.params),
    }));
  throw new ClawbarError(
    'secrets-value-invalid',
    `The ${providerKeyInfo(name).provider} key was not saved: ${issues.map(issue => issue.message).join(' ')}`,
    issues,
  );
}
