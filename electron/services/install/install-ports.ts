import type { ClusterOperation } from '../../../common/sandbox';
import type { Progress } from '../../../common/progress';
import type { SelfTestReport } from '../../../common/selftest';
import type { KubeConnection } from '../cluster/kube-connection';
import type { SecretsService } from '../secrets/secrets-service';

/**
 * What the install plan needs from the secrets: whether the token and the keys are there, the
 * gateway token (generated once), and every value for Secret `openclaw-secrets`. Values only
 * ever travel to the cluster.
 */
export type InstallSecrets = Pick<
  SecretsService,
  'hasGatewayToken' | 'ensureGatewayToken' | 'hasProviderKey' | 'clusterSecretValues' | 'whenSynced'
>;

/** What the install plan needs from the sandbox in k3s (services/cluster and the self-test). */
export interface InstallSandbox {
  readonly namespace: string;
  /** Connected to k3s with the first lists in; rejects with `cluster-not-connected` at the deadline. */
  whenReady(deadlineMs: number): Promise<KubeConnection>;
  /** Renders from settings, applies server-side with prune, waits for both rollouts. */
  apply(options: { secrets: Record<string, string> }): {
    operationId: string;
    done: Promise<ClusterOperation>;
  };
  /** The sandbox operation as AppState shows it (for the apply's progress). */
  operation(): ClusterOperation | null;
  cancelOperation(operationId: string): boolean;
  /** Whether every object the settings render is on the server as rendered. */
  verifyApplied(signal: AbortSignal): Promise<{ matches: boolean; detail: string }>;
  waitForRollout(
    connection: KubeConnection,
    name: string,
    context: { signal: AbortSignal; progress(progress: Progress): void },
    from: number,
    total: number,
  ): Promise<void>;
  portForward: {
    start(): void;
    /** `127.0.0.1:PORT` */
    readonly address: string;
  };
  /** The port-forward as AppState shows it (its state and last error). */
  portForwardView(): { state: string; error: string | null };
  runSelfTest(signal: AbortSignal): Promise<SelfTestReport>;
}
