import type { KubernetesObject, V1ConfigMap, V1NetworkPolicy } from '@kubernetes/client-node';

import type { AllowlistPresetId } from '../../../common/allowlist-presets';
import { ClawbarError } from '../../../common/errors';
import { allowlistView, mergeAllowlist } from '../../../common/allowlist';
import type { BlockedRequest } from '../../../common/proxy-log';
import type {
  AllowlistView,
  ClusterOperation,
  PolicyEnforcement,
  PolicyToggle,
  PolicyToggleId,
} from '../../../common/sandbox';
import { mergeSettings, type Settings } from '../../../common/settings';
import { DisposableStore, type Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import type { SettingsStore } from '../platform/settings-store';
import type { ClusterService } from './cluster-service';
import type { OperationContext } from './cluster-operations';
import { kubeListWatch } from './kube-list-watch';
import { LogStream } from './log-stream';
import { toggleStates } from './policy-state';
import { BlockedRequests } from './proxy-access-log';
import { togglePolicies } from './render-manifests';
import { ResourceWatch } from './resource-watch';
import { applyObjects, prunableKinds } from './sandbox-apply';
import type { SandboxRenderer } from './sandbox-renderer';
import { allowlistOf } from './squid-config';

const proxyConfigMap = 'egress-proxy-config';
const policyKinds = prunableKinds.filter(kind => kind.kind === 'NetworkPolicy');

export interface SandboxNetworkOptions {
  cluster: ClusterService;
  settings: SettingsStore;
  renderer: SandboxRenderer;
  /** The Secret keys present, to render the same objects as the last full apply. */
  secretKeys: () => Promise<readonly string[]>;
  log: Logger;
  onBlocked: (blocked: BlockedRequest[]) => void;
}

/**
 * The sandbox's network as the user controls it: the policy toggles (their state read from the
 * server, drift detected and repairable), the proxy allowlist (validated, applied by updating the
 * proxy's ConfigMap and rolling it), and the proxy's blocked requests, read live from its log.
 */
export class SandboxNetwork implements Disposable {
  private readonly disposables = new DisposableStore();
  private session: DisposableStore | null = null;
  private policies: ResourceWatch<V1NetworkPolicy> | null = null;
  private configMaps: ResourceWatch<V1ConfigMap> | null = null;
  private proxyLog: { pod: string; stream: LogStream } | null = null;
  private whenOn: Record<PolicyToggleId, KubernetesObject[]> = { internet: [], 'local-models': [] };
  private enforcement: Partial<Record<PolicyToggleId, PolicyEnforcement>> = {};
  readonly blocked: BlockedRequests;
  /** The watches have listed once and the expected policies are rendered. */
  private synced = false;

  constructor(private readonly options: SandboxNetworkOptions) {
    this.blocked = this.disposables.add(
      new BlockedRequests({
        podForIp: ip => options.cluster.podList.find(pod => pod.podIp === ip)?.name ?? null,
      }),
    );
    this.disposables.add(this.blocked.onDidChange(list => options.onBlocked(list)));
    this.disposables.add(options.cluster.onDidChangeConnection(() => this.reconnect()));
    this.disposables.add(options.cluster.onDidChangeObjects(() => this.followProxyLog()));
    this.disposables.add(options.settings.addValidator(next => Promise.resolve(allowlistIssues(next))));
    this.disposables.add(options.settings.onDidChange(() => void this.refreshExpected()));
  }

  /**
   * Resolves once the policies and ConfigMaps have been listed and the expected policies
   * rendered, so `list()` and `allowlist()` speak of the server (the CLI waits for this).
   */
  async whenReady(deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (!this.synced) {
      if (Date.now() > until) {
        throw new ClawbarError(
          'cluster-not-connected',
          'The sandbox network policies could not be read in time.',
        );
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  /** The toggles as they are on the server. */
  list(): PolicyToggle[] {
    const settings = this.options.settings.current.sandbox.policies;
    const desired: Record<PolicyToggleId, boolean> = {
      internet: settings.internet,
      'local-models': settings.localModels,
    };
    return toggleStates(
      (['internet', 'local-models'] as const).map(id => ({
        id,
        desired: desired[id],
        whenOn: this.whenOn[id],
      })),
      this.policies ? this.policies.items : null,
      this.enforcement,
    );
  }

  /** Turns a toggle on or off: saves it, then applies the policies (and the proxy's config). */
  async set(id: PolicyToggleId, enabled: boolean): Promise<ClusterOperation> {
    const key = id === 'internet' ? 'internet' : 'localModels';
    await this.options.settings.update({ sandbox: { policies: { [key]: enabled } } });
    return this.applyNetwork('policies', false);
  }

  /** Puts a drifted toggle back as Clawbar renders it, taking back fields another tool changed. */
  repair(): Promise<ClusterOperation> {
    return this.applyNetwork('repair', true);
  }

  /** What the self-test found for each toggle (NOT ENFORCED is shown loudly). */
  setEnforcement(enforcement: Partial<Record<PolicyToggleId, PolicyEnforcement>>): void {
    this.enforcement = enforcement;
    this.publish();
  }

  allowlist(): AllowlistView {
    const { presets, domains } = this.options.settings.current.sandbox.allowlist;
    const configMap = this.configMaps?.items.find(item => item.metadata?.name === proxyConfigMap);
    const squidConf = configMap?.data?.['squid.conf'];
    return allowlistView(presets, domains, squidConf === undefined ? null : allowlistOf(squidConf));
  }

  /** Saves the allowlist (refused with per-entry issues when invalid), then applies it to the proxy. */
  async setAllowlist(presets: AllowlistPresetId[], domains: string[]): Promise<ClusterOperation> {
    await this.options.settings.update({ sandbox: { allowlist: { presets, domains } } });
    return this.applyNetwork('allowlist', false);
  }

  dispose(): void {
    this.closeSession();
    this.disposables.dispose();
  }

  /**
   * Applies the network part of the sandbox for the saved settings: the policies (pruning those of
   * toggles now off) and the proxy's ConfigMap and Deployment, then waits for the proxy to roll.
   */
  private async applyNetwork(
    kind: 'policies' | 'allowlist' | 'repair',
    force: boolean,
  ): Promise<ClusterOperation> {
    const { cluster } = this.options;
    const connection = cluster.requireConnection();
    const secretKeys = await this.options.secretKeys();
    return cluster.operations.perform(kind, kind === 'allowlist' ? 'proxy' : null, async context => {
      const objects = (await this.options.renderer.render(secretKeys)).filter(
        object =>
          object.kind === 'NetworkPolicy' ||
          (object.kind === 'ConfigMap' && object.metadata.name === proxyConfigMap) ||
          (object.kind === 'Deployment' && object.metadata.name === 'egress-proxy'),
      );
      await applyObjects(connection, objects, {
        namespace: cluster.namespace,
        signal: context.signal,
        prune: policyKinds,
        force,
        onStep: step => progress(context, step.done, step.total + 1, step.object),
      });
      await cluster.waitForRollout(connection, 'egress-proxy', context, objects.length, objects.length + 1);
      await this.refreshExpected();
    });
  }

  private reconnect(): void {
    this.closeSession();
    const connection = this.options.cluster.connection;
    if (!connection) {
      this.publish();
      return;
    }
    const session = new DisposableStore();
    this.session = session;
    const namespace = this.options.cluster.namespace;
    this.policies = session.add(
      new ResourceWatch(
        kubeListWatch(connection, `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`),
      ),
    );
    this.configMaps = session.add(
      new ResourceWatch(kubeListWatch(connection, `/api/v1/namespaces/${namespace}/configmaps`)),
    );
    session.add(this.policies.onDidChange(() => this.publish()));
    session.add(this.configMaps.onDidChange(() => this.publish()));
    const pending = new Set<unknown>([this.policies, this.configMaps, 'expected']);
    const done = (part: unknown) => {
      pending.delete(part);
      if (pending.size === 0 && this.session === session) this.synced = true;
    };
    const policies = this.policies;
    const configMaps = this.configMaps;
    session.add(policies.onDidSync(() => done(policies)));
    session.add(configMaps.onDidSync(() => done(configMaps)));
    policies.start();
    configMaps.start();
    void this.refreshExpected().then(() => done('expected'));
  }

  private closeSession(): void {
    this.synced = false;
    this.session?.dispose();
    this.session = null;
    this.policies = null;
    this.configMaps = null;
    this.proxyLog?.stream.close();
    this.proxyLog = null;
  }

  /** What each toggle renders when on, for the current settings: what the server is compared with. */
  private async refreshExpected(): Promise<void> {
    const settings = this.options.settings.current;
    const allOn = mergeSettings(settings, { sandbox: { policies: { internet: true, localModels: true } } });
    try {
      const objects = await this.options.renderer.render(await this.options.secretKeys(), allOn);
      const named = (names: readonly string[]) =>
        objects.filter(object => object.kind === 'NetworkPolicy' && names.includes(object.metadata.name));
      this.whenOn = {
        internet: named(togglePolicies.internet),
        'local-models': named(togglePolicies['local-models']),
      };
    } catch (error) {
      this.options.log.warn('Cannot render the policies to compare', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.publish();
  }

  /** Keeps one follow stream on the proxy pod's log, feeding "Blocked requests". */
  private followProxyLog(): void {
    const { cluster } = this.options;
    const pod = cluster.podList.find(
      candidate => candidate.role === 'proxy' && candidate.ready && !candidate.deleting,
    );
    if (!pod || this.proxyLog?.pod === pod.name || !cluster.connection) return;
    this.proxyLog?.stream.close();
    const container = pod.containers.find(candidate => !candidate.init)?.name ?? 'squid';
    const stream = new LogStream({
      id: `blocked-${pod.name}`,
      connection: () => cluster.connection,
      namespace: cluster.namespace,
      pod: pod.name,
      container,
      follow: true,
      tailLines: 1000,
      previous: false,
      timestamps: false,
      onLines: lines => this.blocked.ingest(lines.map(line => line.text)),
      onStatus: state => {
        if ((state === 'ended' || state === 'failed') && this.proxyLog?.stream === stream)
          this.proxyLog = null;
      },
      containerPresence: () =>
        Promise.resolve(cluster.podList.some(item => item.name === pod.name) ? 'running' : 'gone'),
      log: this.options.log.child('proxy-log'),
    });
    this.proxyLog = { pod: pod.name, stream };
    stream.start().catch((error: unknown) => {
      if (this.proxyLog?.stream === stream) this.proxyLog = null;
      this.options.log.warn('Cannot follow the proxy log', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }

  private publish(): void {
    const policies = this.list();
    const allowlist = this.allowlist().applied;
    this.options.cluster.updateView(view => ({ ...view, policies, allowlist }));
  }
}

function progress(context: OperationContext, done: number, total: number, object: string): void {
  context.progress({ step: 'applying', done, total, detail: object ? `Applying ${object}` : 'Applied' });
}

/** Settings validation: the user's domains must be valid, without overlaps among themselves. */
function allowlistIssues(next: Settings): { path: string; message: string }[] {
  const { issues } = mergeAllowlist(next.sandbox.allowlist.presets, next.sandbox.allowlist.domains);
  return issues.map(issue => ({
    path: `sandbox.allowlist.domains.${issue.index}`,
    message: `${issue.entry}: ${issue.code}${issue.collidesWith ? ` (${issue.collidesWith.entry})` : ''}`,
  }));
}
