import { randomBytes } from 'node:crypto';

import type { V1Pod } from '@kubernetes/client-node';

import { ClawbarError, isClawbarError } from '../../../common/errors';
import type { SelfTestProbe, SelfTestReport, SelfTestState } from '../../../common/selftest';
import type { AppStateStore } from '../app-state';
import type { ClusterService } from '../cluster/cluster-service';
import { httpStatusError, kubeError, readBody, type KubeConnection } from '../cluster/kube-connection';
import { limaHostAlias } from '../llm/openclaw-providers';
import type { SandboxNetwork } from '../cluster/sandbox-network';
import { managedByLabel, managedByValue } from '../cluster/sandbox-apply';
import {
  limaHostAddress,
  probeResources,
  proxyName,
  sandboxImages,
  sandboxPodLabels,
} from '../cluster/sandbox-params';
import { squidPort } from '../cluster/squid-config';
import type { FetchLike } from '../llm/ollama-client';
import type { Logger } from '../platform/log';
import type { SettingsStore } from '../platform/settings-store';
import {
  enforcementFrom,
  parseProbeLines,
  planProbes,
  probeCommand,
  probeOutcome,
  probePassed,
  probeScript,
  type ProbeSpec,
} from './self-test-probes';

export interface SelfTestOptions {
  cluster: ClusterService;
  network: SandboxNetwork;
  settings: SettingsStore;
  state: AppStateStore;
  log: Logger;
  fetch?: FetchLike;
  /** How long the probe pod may take from creation to its last probe. */
  deadlineMs?: number;
  pollMs?: number;
}

const probeContainer = 'probe';

/**
 * The sandbox self-test (SANDBOX.md "Proving it"): a short-lived probe pod carrying the gateway's
 * labels — so exactly the gateway's network policies apply to it — tries each flow and prints
 * what happened; the gateway's health is checked from the Mac through the port-forward. Each
 * probe's expected and actual outcome, with its evidence, goes to AppState, and a toggle the
 * results contradict is marked NOT ENFORCED. One run at a time; a second call joins it.
 */
export class SelfTestService {
  private running: Promise<SelfTestReport> | null = null;
  private readonly fetch: FetchLike;

  constructor(private readonly options: SelfTestOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Runs the self-test (or joins the run in progress); `signal` stops waiting, not the run. */
  run(signal?: AbortSignal): Promise<SelfTestReport> {
    this.running ??= this.execute().finally(() => (this.running = null));
    if (!signal) return this.running;
    return Promise.race([
      this.running,
      new Promise<never>((_, reject) => {
        const abort = () => reject(new ClawbarError('cancelled', 'Cancelled.'));
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
      }),
    ]);
  }

  private async execute(): Promise<SelfTestReport> {
    this.setState({ status: 'running', error: null });
    try {
      const report = await this.probe();
      this.setState({ status: report.passed ? 'passed' : 'failed', report, error: null });
      const toggles = this.options.settings.current.sandbox.policies;
      this.options.network.setEnforcement(enforcementFrom(report.probes, toggles));
      if (!report.passed) {
        this.options.log.warn('Sandbox self-test failed', {
          failed: report.probes.filter(probe => !probe.passed).map(probe => probe.id),
        });
      }
      return report;
    } catch (error) {
      const failure = isClawbarError(error) ? error : kubeError(error, 'Self-test');
      this.setState({ status: 'error', error: failure.message });
      throw failure;
    }
  }

  private async probe(): Promise<SelfTestReport> {
    const startedAt = new Date().toISOString();
    const connection = this.options.cluster.requireConnection();
    const settings = this.options.settings.current;
    const view = this.options.network.allowlist();
    const plan = planProbes({
      internet: settings.sandbox.policies.internet,
      localModels: settings.sandbox.policies.localModels,
      allowlist: view.applied ?? view.effective,
      proxyHost: proxyName,
      proxyPort: squidPort,
      hostAddress: limaHostAddress,
      hostAlias: limaHostAlias,
      ollamaPort: settings.ollama.port,
      nonce: randomBytes(4).toString('hex'),
    });
    const lines = await this.runProbePod(connection, plan.inPod);
    const results = parseProbeLines(lines);
    const probes: SelfTestProbe[] = plan.inPod.map(spec => {
      const result = results.find(candidate => candidate.id === spec.id);
      const actual = result ? probeOutcome(spec, result) : 'failed';
      return {
        id: spec.id,
        expected: plan.expected[spec.id],
        actual,
        passed: probePassed(spec.id, plan.expected[spec.id], actual),
        evidence: {
          command: probeCommand(spec),
          exitCode: result?.exitCode ?? null,
          output: result ? result.output || '(no output)' : 'The probe pod did not report this probe.',
        },
      };
    });
    probes.push(await this.gatewayHealth());
    return {
      probes,
      passed: probes.every(probe => probe.passed),
      startedAt,
      finishedAt: new Date().toISOString(),
    };
  }

  /** Creates the probe pod, waits for it to finish, reads its log and always deletes it. */
  private async runProbePod(connection: KubeConnection, specs: readonly ProbeSpec[]): Promise<string[]> {
    const { namespace } = this.options.cluster;
    const name = `sandbox-selftest-${randomBytes(3).toString('hex')}`;
    const pod = probePod(name, namespace, specs);
    try {
      await connection.core.createNamespacedPod({ namespace, body: pod });
    } catch (error) {
      throw kubeError(error, 'Starting the self-test probe');
    }
    try {
      await this.waitForCompletion(connection, namespace, name);
      const response = await connection.stream(
        `/api/v1/namespaces/${namespace}/pods/${name}/log?container=${probeContainer}`,
        AbortSignal.timeout(10_000),
      );
      const body = await readBody(response, 1024 * 1024);
      if (response.statusCode !== 200) throw httpStatusError(response.statusCode ?? 0, body, 'Probe log');
      return body.split('\n');
    } finally {
      await connection.core
        .deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 })
        .catch((error: unknown) =>
          this.options.log.warn('Could not delete the self-test probe', {
            name,
            error: kubeError(error, name).message,
          }),
        );
    }
  }

  private async waitForCompletion(
    connection: KubeConnection,
    namespace: string,
    name: string,
  ): Promise<void> {
    const deadline = Date.now() + (this.options.deadlineMs ?? 90_000);
    let last: V1Pod | undefined;
    while (Date.now() < deadline) {
      try {
        last = await connection.core.readNamespacedPod({ name, namespace });
      } catch (error) {
        const failure = kubeError(error, 'The self-test probe');
        if (failure.code !== 'cluster-unreachable') throw failure;
      }
      const phase = last?.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') return;
      const waiting = last?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (waiting && /ImagePull|ErrImage|InvalidImage|CreateContainer/.test(waiting)) {
        throw new ClawbarError('selftest-failed', `The self-test probe cannot start: ${waiting}.`);
      }
      await new Promise(resolve => setTimeout(resolve, this.options.pollMs ?? 500));
    }
    throw new ClawbarError(
      'timeout',
      `The self-test probe did not finish in time (it was ${last?.status?.phase ?? 'not started'}).`,
    );
  }

  /** Probe 6: the gateway's /healthz from the Mac, through the port-forward, with its JSON body checked. */
  private async gatewayHealth(): Promise<SelfTestProbe> {
    const url = `http://${this.options.cluster.portForward.address}/healthz`;
    const command = `GET ${url}`;
    try {
      const response = await this.fetch(url, { signal: AbortSignal.timeout(5000) });
      const text = (await response.text()).slice(0, 300);
      let body: unknown = null;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        // The Control UI's catch-all answers HTML with 200: not a health answer.
      }
      const healthy = response.status === 200 && (body as { ok?: unknown } | null)?.ok === true;
      return {
        id: 'gateway-health',
        expected: 'ok',
        actual: healthy ? 'ok' : 'failed',
        passed: healthy,
        evidence: { command, exitCode: null, output: `HTTP ${response.status} ${text}` },
      };
    } catch (error) {
      return {
        id: 'gateway-health',
        expected: 'ok',
        actual: 'failed',
        passed: false,
        evidence: { command, exitCode: null, output: error instanceof Error ? error.message : String(error) },
      };
    }
  }

  private setState(change: Partial<SelfTestState>): void {
    this.options.state.update(current => ({ ...current, selfTest: { ...current.selfTest, ...change } }));
  }
}

/** The probe pod: the gateway's labels and host alias, restricted-compliant, never restarted. */
export function probePod(name: string, namespace: string, specs: readonly ProbeSpec[]): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { ...sandboxPodLabels('probe'), [managedByLabel]: managedByValue } },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: 120,
      automountServiceAccountToken: false,
      serviceAccountName: 'openclaw-gateway',
      hostAliases: [{ ip: limaHostAddress, hostnames: [limaHostAlias] }],
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: probeContainer,
          image: sandboxImages.busybox,
          command: ['sh', '-c', probeScript(specs)],
          // The same probes as data, for anyone reading the pod (and the demo's simulated network).
          env: [{ name: 'CLAWBAR_PROBES', value: JSON.stringify(specs) }],
          resources: { requests: { ...probeResources.requests }, limits: { ...probeResources.limits } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    },
  };
}
