import { gatewayTokenKey } from '../../../common/secrets';
import type { SelfTestReport } from '../../../common/selftest';
import type { AppStateStore } from '../app-state';
import type { ClusterService } from '../cluster/cluster-service';
import type { SandboxRenderer } from '../cluster/sandbox-renderer';
import type { InstallSandbox } from './install-ports';
import { verifySandbox } from './sandbox-verify';

export interface ClusterSandboxOptions {
  cluster: ClusterService;
  state: Pick<AppStateStore, 'snapshot'>;
  renderer: Pick<SandboxRenderer, 'render'>;
  /** The provider keys that are set (the Secret also holds the gateway token). */
  secretKeys: () => Promise<readonly string[]>;
  runSelfTest: (signal: AbortSignal) => Promise<SelfTestReport>;
}

/** The install plan's view of the sandbox: ClusterService, its renderer and AppState's cluster part. */
export function clusterSandbox({
  cluster,
  state,
  renderer,
  secretKeys,
  runSelfTest,
}: ClusterSandboxOptions): InstallSandbox {
  return {
    namespace: cluster.namespace,
    whenReady: deadlineMs => cluster.whenReady(deadlineMs),
    apply: options => cluster.apply(options),
    operation: () => state.snapshot.cluster.operation,
    cancelOperation: operationId => cluster.operations.cancel(operationId),
    verifyApplied: async signal => {
      const providerKeys = await secretKeys();
      const rendered = await renderer.render(providerKeys);
      return verifySandbox(cluster.requireConnection(), rendered, [gatewayTokenKey, ...providerKeys], signal);
    },
    waitForRollout: (connection, name, context, from, total) =>
      cluster.waitForRollout(connection, name, context, from, total),
    portForward: cluster.portForward,
    portForwardView: () => {
      const view = state.snapshot.cluster.portForward;
      return { state: view.state, error: view.error };
    },
    runSelfTest,
  };
}
