import { stat } from 'node:fs/promises';
import { get } from 'node:http';

import { ClawbarError } from '../../../common/errors';
import { recommendedModel } from '../../../common/install';
import type { PullProgress } from '../../../common/models';
import type { Progress } from '../../../common/progress';
import type { ClusterOperation } from '../../../common/sandbox';
import type { PreflightReport, VmOperation } from '../../../common/vm-model';
import { deploymentNames } from '../cluster/cluster-service';
import { rolloutVerdict } from '../cluster/rollout';
import { canonicalName } from '../llm/model-catalog';
import type { ModelManager } from '../llm/model-manager';
import type { OllamaService } from '../llm/ollama-service';
import type { Event } from '../platform/event';
import type { SettingsStore } from '../platform/settings-store';
import { apiAddress, loadKubeconfig, probeK3s } from '../vm/k3s-readiness';
import { readKubeconfig, serverPortOf } from '../vm/kubeconfig';
import { apiPortOf, type LimaInstanceRecord } from '../vm/limactl-output';
import { k3sNodeName } from '../vm/vm-template';
import type { InstallSandbox, InstallSecrets } from './install-ports';
import type { CheckContext, PlanStep, StepCheck, StepContext } from './step-engine';

/**
 * The one-click install, in order: this Mac can run it → a local model server and a model →
 * the gateway token and keys → the VM and k3s → the kubeconfig → the sandbox's objects → its
 * rollouts → the gateway on 127.0.0.1 → the sandbox self-test. Each step's check looks at the
 * world (is the VM running? do the objects on the server match?), so resuming redoes nothing.
 */
export interface InstallPlanDependencies {
  vm: {
    preflight(signal?: AbortSignal): Promise<PreflightReport>;
    perform(kind: 'start', signal?: AbortSignal): Promise<VmOperation>;
    readonly onDidChangeOperation: Event<VmOperation>;
    readonly kubeconfigPath: string;
    readonly driver: {
      readonly name: string;
      instance(signal?: AbortSignal): Promise<LimaInstanceRecord | undefined>;
    };
  };
  ollama: Pick<
    OllamaService,
    'detect' | 'startServer' | 'installApp' | 'cancelInstall' | 'onDidInstallProgress' | 'client' | 'baseUrl'
  >;
  models: Pick<ModelManager, 'fit' | 'pull' | 'cancelPull' | 'onDidPullProgress'>;
  settings: Pick<SettingsStore, 'current' | 'update'>;
  secrets: InstallSecrets;
  sandbox: InstallSandbox;
  timing?: Partial<InstallTiming>;
}

export interface InstallTiming {
  /** How long the cluster services may take to connect once k3s is ready. */
  connectMs: number;
  /** How long the gateway's port-forward may take to answer once the gateway is rolled out. */
  portForwardMs: number;
  pollMs: number;
  requestTimeoutMs: number;
}

const defaultTiming: InstallTiming = {
  connectMs: 60_000,
  portForwardMs: 90_000,
  pollMs: 500,
  requestTimeoutMs: 3000,
};

export function installPlan(deps: InstallPlanDependencies): PlanStep[] {
  const timing = { ...defaultTiming, ...deps.timing };
  return [
    preflightStep(deps),
    localModelsStep(deps),
    secretsStep(deps),
    vmStep(deps),
    k3sStep(deps, timing),
    kubeconfigStep(deps, timing),
    manifestsStep(deps, timing),
    rolloutsStep(deps, timing),
    portForwardStep(deps, timing),
    selfTestStep(deps),
  ];
}

function preflightStep({ vm }: InstallPlanDependencies): PlanStep {
  const marks = { pass: '✓', warn: '!', fail: '✗' } as const;
  const describe = (report: PreflightReport): string =>
    report.checks.map(check => `${marks[check.status]} ${check.id}: ${check.message}`).join('\n');
  return {
    id: 'preflight',
    // The check is all this step is: it looks at the Mac as it is now, on every run.
    check: () => Promise.resolve({ done: false, detail: '' }),
    async run({ signal, log }) {
      const report = await vm.preflight(signal);
      log(describe(report));
      const failed = report.checks.filter(check => check.status === 'fail');
      if (failed.length > 0) {
        throw new ClawbarError(
          'vm-preflight-failed',
          `this Mac cannot run the sandbox as configured: ${failed.map(check => `${check.id}: ${check.message}`).join('; ')}.`,
        );
      }
    },
  };
}

function localModelsStep({ ollama, models, settings }: InstallPlanDependencies): PlanStep {
  const wantedModel = (choice: string | null): string | null => {
    if (choice) return choice;
    const configured = settings.current.ollama.defaultModel;
    return configured === '' ? null : configured;
  };
  const installed = async (model: string, signal: AbortSignal): Promise<boolean> => {
    const tags = await ollama.client().list(signal);
    return tags.some(tag => canonicalName(tag.name) === canonicalName(model));
  };
  return {
    id: 'local-models',
    async check({ choices, remember }) {
      const address = ollama.baseUrl.host;
      const probe = await ollama.client().probe();
      if (probe.kind !== 'ollama') return { done: false, detail: `No Ollama answers on ${address}.` };
      const model = wantedModel(choices.model);
      if (!model)
        return { done: false, detail: `Ollama ${probe.version} answers on ${address}; no model chosen yet.` };
      const isDefault = canonicalName(settings.current.ollama.defaultModel) === canonicalName(model);
      if (!isDefault || !(await installed(model, AbortSignal.timeout(10_000)))) {
        return {
          done: false,
          detail: `Ollama ${probe.version} answers on ${address}; ${model} is not ready yet.`,
        };
      }
      remember({ model });
      return {
        done: true,
        detail: `Ollama ${probe.version} answers on ${address}; ${model} is installed and is OpenClaw's model.`,
      };
    },
    async run(context) {
      const { signal, choices, log } = context;
      await ensureOllama(context, ollama, choices.installOllama);
      throwIfAborted(signal);
      let model = wantedModel(choices.model);
      if (!model) {
        context.progress({
          step: 'choose',
          done: 1,
          total: 4,
          detail: 'Choosing a model that fits this Mac',
        });
        const report = await models.fit();
        const best = recommendedModel(report);
        if (!best) throw new ClawbarError('model-not-found', 'no recommended model to choose from.');
        model = best.name;
        log(
          `Chose ${model}: the best recommended model for this Mac (${best.fit.verdict === 'gpu' ? 'fits on the GPU' : 'partly on the CPU'}).`,
        );
      }
      context.remember({ model });
      if (await installed(model, signal)) log(`${model} is already installed.`);
      else await pullModel(context, models, model);
      throwIfAborted(signal);
      if (canonicalName(settings.current.ollama.defaultModel) !== canonicalName(model)) {
        await settings.update({ ollama: { defaultModel: model } });
      }
      context.progress({ step: 'default', done: 4, total: 4, detail: `${model} is OpenClaw's model` });
      log(`${model} is OpenClaw's default model.`);
    },
  };
}

/** An Ollama server that answers: the running one, else ours, else Ollama.app installed with consent. */
async function ensureOllama(
  context: StepContext,
  ollama: InstallPlanDependencies['ollama'],
  mayInstall: boolean,
): Promise<void> {
  const { log } = context;
  const address = ollama.baseUrl.host;
  context.progress({ step: 'server', done: 0, total: 4, detail: `Looking for Ollama on ${address}` });
  const found = await ollama.detect();
  if (found.ollama.ownership !== 'none') {
    log(
      `Ollama answers on ${address} (${found.ollama.ownership === 'adopted' ? 'started outside Clawbar' : 'run by Clawbar'}).`,
    );
    return;
  }
  if (found.ollama.binary) {
    log(`Starting Ollama (${found.ollama.binary.path}) on ${address}.`);
    await ollama.startServer();
    log(`Ollama answers on ${address}.`);
    return;
  }
  if (!mayInstall) {
    throw new ClawbarError(
      'ollama-not-installed',
      'Ollama is not installed, and installing it was not allowed: install it from ollama.com, or let Clawbar install it.',
    );
  }
  log('Ollama is not installed: downloading and installing Ollama.app.');
  const onAbort = (): void => void ollama.cancelInstall();
  context.signal.addEventListener('abort', onAbort, { once: true });
  let lastStep = '';
  const listener = ollama.onDidInstallProgress(progress => {
    context.progress({ ...progress, step: `install-${progress.step}` });
    if (progress.step !== lastStep) {
      lastStep = progress.step;
      log(progress.detail);
    }
  });
  try {
    await ollama.installApp();
    log(`Ollama.app is installed and answers on ${address}.`);
  } finally {
    listener.dispose();
    context.signal.removeEventListener('abort', onAbort);
  }
}

async function pullModel(
  context: StepContext,
  models: InstallPlanDependencies['models'],
  model: string,
): Promise<void> {
  const key = canonicalName(model);
  let lastStatus = '';
  const listener = models.onDidPullProgress((pull: PullProgress) => {
    if (canonicalName(pull.model) !== key || pull.state !== 'running') return;
    context.progress({ ...pull.progress, step: `pull-${pull.progress.step}` });
    if (pull.progress.step !== lastStatus) {
      lastStatus = pull.progress.step;
      context.log(`${model}: ${pull.progress.detail}`);
    }
  });
  const onAbort = (): void => void models.cancelPull(model);
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    context.log(`Pulling ${model}.`);
    await models.pull(model);
    context.log(`${model} is downloaded.`);
  } finally {
    listener.dispose();
    context.signal.removeEventListener('abort', onAbort);
  }
}

function secretsStep({ secrets }: InstallPlanDependencies): PlanStep {
  const look = async (context: CheckContext): Promise<{ token: boolean; missing: string[] }> => {
    const present = await Promise.all(context.choices.providerKeys.map(key => secrets.hasProviderKey(key)));
    // There, and readable: the cluster Secret needs its value (a refused Keychain fails here).
    const token = (await secrets.hasGatewayToken()) && (await secrets.ensureGatewayToken()) !== '';
    return { token, missing: context.choices.providerKeys.filter((_key, index) => !present[index]) };
  };
  const names = (keys: readonly string[]): string => (keys.length > 0 ? keys.join(', ') : 'none');
  return {
    id: 'secrets',
    async check(context) {
      const { token, missing } = await look(context);
      return {
        done: token && missing.length === 0,
        detail: `Gateway token: ${token ? 'in the Keychain' : 'not generated yet'}; provider keys: ${names(context.choices.providerKeys)}${missing.length > 0 ? ` (missing: ${missing.join(', ')})` : ''}.`,
      };
    },
    async run(context) {
      await secrets.ensureGatewayToken();
      context.log('The gateway token is in the Keychain.');
      const { missing } = await look(context);
      if (missing.length > 0) {
        throw new ClawbarError(
          'secrets-read-failed',
          `the keys ${missing.join(', ')} you entered are no longer in the Keychain: enter them again and start the install.`,
        );
      }
      context.log(`Provider keys in the Keychain: ${names(context.choices.providerKeys)}.`);
    },
  };
}

function vmStep({ vm }: InstallPlanDependencies): PlanStep {
  return {
    id: 'vm',
    async check({ signal }) {
      const record = await vm.driver.instance(signal);
      if (!record) return { done: false, detail: `There is no VM ${vm.driver.name} yet.` };
      return {
        done: record.status === 'Running',
        detail: `The VM ${vm.driver.name} is ${record.status} (${record.cpus ?? '?'} CPUs).`,
      };
    },
    run: context => startVm(context, vm),
  };
}

/** `vm start` creates the VM when there is none, boots it, and ends once k3s is ready. */
async function startVm(context: StepContext, vm: InstallPlanDependencies['vm']): Promise<void> {
  let lastDetail = '';
  const listener = vm.onDidChangeOperation(operation => {
    if (operation.status !== 'running') return;
    context.progress({
      step: operation.step,
      done: operation.done + (operation.percent ?? 0) / 100,
      total: operation.total,
      detail: operation.detail,
    });
    if (operation.detail && operation.detail !== lastDetail) {
      lastDetail = operation.detail;
      context.log(operation.detail);
    }
  });
  let outcome: VmOperation;
  try {
    outcome = await vm.perform('start', context.signal);
  } finally {
    listener.dispose();
  }
  if (outcome.status === 'succeeded') return;
  if (outcome.logTail) context.log(outcome.logTail);
  const error = outcome.error ?? {
    code: 'vm-stage-failed' as const,
    message: `the VM start ${outcome.status}.`,
  };
  throw new ClawbarError(error.code, error.message);
}

async function probeWithKubeconfig(
  deps: InstallPlanDependencies,
  timing: InstallTiming,
  signal: AbortSignal,
): Promise<StepCheck & { address?: string }> {
  const text = await readKubeconfig(deps.vm.kubeconfigPath);
  if (!text) return { done: false, detail: `There is no kubeconfig at ${deps.vm.kubeconfigPath} yet.` };
  const kubeconfig = await loadKubeconfig(text);
  const address = apiAddress(kubeconfig);
  const outcome = await probeK3s({
    kubeconfig,
    nodeName: k3sNodeName(deps.vm.driver.name),
    requestTimeoutMs: timing.requestTimeoutMs,
    signal,
  });
  return outcome.kind === 'ready'
    ? {
        done: true,
        address,
        detail: `k3s ${outcome.version ?? ''} answers on ${address} and its node is ready.`,
      }
    : { done: false, address, detail: `k3s on ${address}: ${outcome.kind} (${outcome.detail}).` };
}

function k3sStep(deps: InstallPlanDependencies, timing: InstallTiming): PlanStep {
  return {
    id: 'k3s',
    coveredBy: 'vm',
    check: ({ signal }) => probeWithKubeconfig(deps, timing, signal),
    // On a running VM, a start only waits for k3s (and copies fresh credentials when refused).
    run: context => startVm(context, deps.vm),
  };
}

function kubeconfigStep(deps: InstallPlanDependencies, timing: InstallTiming): PlanStep {
  const check = async (signal: AbortSignal): Promise<StepCheck> => {
    const path = deps.vm.kubeconfigPath;
    const info = await stat(path).catch(() => undefined);
    if (!info) return { done: false, detail: `There is no kubeconfig at ${path}.` };
    if ((info.mode & 0o077) !== 0) {
      return {
        done: false,
        detail: `${path} can be read by others (mode ${(info.mode & 0o777).toString(8)}).`,
      };
    }
    const record = await deps.vm.driver.instance(signal);
    const port = record ? apiPortOf(record) : undefined;
    const text = (await readKubeconfig(path)) ?? '';
    if (port === undefined || serverPortOf(text) !== port) {
      return { done: false, detail: `${path} does not point at the VM's API port (${port ?? 'none'}).` };
    }
    const probe = await probeWithKubeconfig(deps, timing, signal);
    return probe.done
      ? { done: true, detail: `${path} (owner only) works: ${probe.detail}` }
      : { done: false, detail: `${path} does not work: ${probe.detail}` };
  };
  return {
    id: 'kubeconfig',
    coveredBy: 'vm',
    check: ({ signal }) => check(signal),
    async run(context) {
      // The start copies the guest's kubeconfig again, owner-only, pointing at the forwarded port.
      await startVm(context, deps.vm);
      const result = await check(context.signal);
      context.log(result.detail);
      if (!result.done) throw new ClawbarError('kubeconfig-invalid', result.detail);
    },
  };
}

function manifestsStep({ sandbox, secrets }: InstallPlanDependencies, timing: InstallTiming): PlanStep {
  return {
    id: 'manifests',
    async check({ signal }) {
      await sandbox.whenReady(timing.connectMs);
      const { matches, detail } = await sandbox.verifyApplied(signal);
      return { done: matches, detail };
    },
    async run(context) {
      context.progress({ step: 'connect', done: 0, detail: 'Connecting to k3s' });
      await sandbox.whenReady(timing.connectMs);
      throwIfAborted(context.signal);
      // A key saved a moment ago may still be on its way to the Secret: let that finish first.
      await secrets.whenSynced();
      const values = await secrets.clusterSecretValues();
      context.log(`Applying the sandbox's objects (Secret keys: ${Object.keys(values).sort().join(', ')}).`);
      const { operationId, done } = sandbox.apply({ secrets: values });
      const outcome = await followClusterOperation(context, sandbox, operationId, done);
      if (outcome.status === 'succeeded') {
        context.log('The sandbox is applied.');
        return;
      }
      const error = outcome.error ?? {
        code: 'cancelled' as const,
        message: `the apply was ${outcome.status}.`,
      };
      throw new ClawbarError(error.code, error.message);
    },
  };
}

async function followClusterOperation(
  context: StepContext,
  sandbox: InstallSandbox,
  operationId: string,
  done: Promise<ClusterOperation>,
): Promise<ClusterOperation> {
  let lastDetail = '';
  const report = (progress: Progress | null): void => {
    if (!progress) return;
    context.progress(progress);
    if (progress.detail !== lastDetail) {
      lastDetail = progress.detail;
      context.log(progress.detail);
    }
  };
  const timer = setInterval(() => {
    const operation = sandbox.operation();
    if (operation?.id === operationId) report(operation.progress);
  }, 200);
  const onAbort = (): void => void sandbox.cancelOperation(operationId);
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const outcome = await done;
    report(outcome.progress);
    return outcome;
  } finally {
    clearInterval(timer);
    context.signal.removeEventListener('abort', onAbort);
  }
}

function rolloutsStep({ sandbox }: InstallPlanDependencies, timing: InstallTiming): PlanStep {
  const names = [deploymentNames.gateway, deploymentNames.proxy];
  return {
    id: 'rollouts',
    coveredBy: 'manifests',
    async check() {
      const connection = await sandbox.whenReady(timing.connectMs);
      const lines = await Promise.all(
        names.map(async name => {
          try {
            const deployment = await connection.apps.readNamespacedDeployment({
              name,
              namespace: sandbox.namespace,
            });
            const verdict = rolloutVerdict(deployment);
            return { done: verdict.done, line: `${name}: ${verdict.progress.detail}` };
          } catch (error) {
            return {
              done: false,
              line: `${name}: ${error instanceof Error ? error.message : String(error)}`,
            };
          }
        }),
      );
      return { done: lines.every(line => line.done), detail: lines.map(line => line.line).join('\n') };
    },
    async run(context) {
      const connection = await sandbox.whenReady(timing.connectMs);
      for (const [index, name] of names.entries()) {
        await sandbox.waitForRollout(
          connection,
          name,
          {
            signal: context.signal,
            // Reported as 0..1 of this Deployment; the step shows both in turn.
            progress: progress =>
              context.progress({ ...progress, done: index + progress.done, total: names.length }),
          },
          0,
          1,
        );
        context.log(`${name} is rolled out.`);
      }
    },
  };
}

function portForwardStep({ sandbox }: InstallPlanDependencies, timing: InstallTiming): PlanStep {
  const check = async (): Promise<StepCheck> => {
    const address = sandbox.portForward.address;
    const answer = await gatewayHealth(address, timing.requestTimeoutMs);
    return answer.ok
      ? { done: true, detail: `The gateway answers on ${address} (/healthz: ${answer.status}).` }
      : { done: false, detail: `The gateway does not answer on ${address}: ${answer.problem}.` };
  };
  return {
    id: 'port-forward',
    // Clawbar keeps the forward up whenever it is connected; it answers once the gateway is rolled out.
    coveredBy: 'rollouts',
    check: () => check(),
    async run(context) {
      sandbox.portForward.start();
      const deadline = Date.now() + timing.portForwardMs;
      let last = '';
      for (;;) {
        throwIfAborted(context.signal);
        const result = await check();
        const view = sandbox.portForwardView();
        const line = `Port-forward ${view.state}${view.error ? `: ${view.error}` : ''}. ${result.detail}`;
        if (line !== last) {
          last = line;
          context.log(line);
        }
        context.progress({ step: 'port-forward', done: 0, detail: result.detail });
        if (result.done) return;
        if (Date.now() > deadline) {
          throw new ClawbarError(
            'install-port-forward-failed',
            `${result.detail}${view.error ? ` (${view.error})` : ''} Quit the program that uses the port, or restart the gateway, then retry.`,
          );
        }
        await delay(timing.pollMs, context.signal);
      }
    },
  };
}

/** `/healthz` through the port-forward; the Control UI answers unknown paths with 200, so the body counts. */
export function gatewayHealth(
  address: string,
  timeoutMs: number,
): Promise<{ ok: true; status: string } | { ok: false; problem: string }> {
  return new Promise(resolve => {
    const request = get(`http://${address}/healthz`, { timeout: timeoutMs }, response => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      response.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        const health = parsed as { ok?: unknown; status?: unknown } | undefined;
        if (response.statusCode === 200 && health?.ok === true) {
          resolve({ ok: true, status: typeof health.status === 'string' ? health.status : 'ok' });
        } else {
          resolve({ ok: false, problem: `HTTP ${response.statusCode ?? '?'} ${body.slice(0, 120)}`.trim() });
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', error => resolve({ ok: false, problem: error.message }));
  });
}

function selfTestStep({ sandbox }: InstallPlanDependencies): PlanStep {
  return {
    id: 'self-test',
    // Never "already done": the sandbox is proven as it is now, at the end of every install.
    check: () => Promise.resolve({ done: false, detail: '' }),
    async run(context) {
      context.progress({ step: 'probes', done: 0, detail: 'Running the sandbox self-test' });
      const report = await sandbox.runSelfTest(context.signal);
      context.remember({ selfTest: report });
      for (const probe of report.probes) {
        context.log(
          `${probe.passed ? '✓' : '✗'} ${probe.id}: expected ${probe.expected}, got ${probe.actual} — ${probe.evidence.command} (exit ${probe.evidence.exitCode ?? '-'})`,
        );
      }
      const failed = report.probes.filter(probe => !probe.passed);
      if (failed.length > 0 || !report.passed) {
        throw new ClawbarError(
          'install-selftest-failed',
          `the sandbox does not hold: ${failed.map(probe => `${probe.id} expected ${probe.expected}, got ${probe.actual}`).join('; ') || 'the report did not pass'}.`,
        );
      }
    },
  };
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new ClawbarError('cancelled', 'Cancelled.');
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
