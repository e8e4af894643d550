import { z } from 'zod';

import { allowlistPresetIds } from './allowlist-presets';
import {
  metricsHistoryInputSchema,
  metricsHistorySchema,
  metricsSampleSchema,
  metricsSetupPowerInputSchema,
  metricsWatchInputSchema,
  metricsWatchOutputSchema,
} from './metrics';
import {
  fitReportSchema,
  installedModelSchema,
  modelInfoSchema,
  modelNameSchema,
  modelTestResultSchema,
  pullProgressSchema,
  runningModelSchema,
} from './models';
import {
  logLinesEventSchema,
  logOpenInputSchema,
  logOpenOutputSchema,
  logStatusEventSchema,
  logStreamIdSchema,
  logTargetSchema,
} from './logs';
import {
  installStartInputSchema,
  installStepIds,
  installViewSchema,
  installVmDefaultsSchema,
} from './install';
import { progressSchema } from './progress';
import { blockedRequestSchema } from './proxy-log';
import { selfTestReportSchema } from './selftest';
import { secretNamesSchema, secretsDeleteInputSchema, secretsSetInputSchema } from './secrets';
import { settingsRecoverySchema, appStateSchema, llmStateSchema, powerStatusSchema, runModes } from './state';
import {
  allowlistViewSchema,
  clusterEventSchema,
  clusterOperationSchema,
  policyToggleIds,
  policyToggleSchema,
  sandboxDeployments,
} from './sandbox';
import { settingsPatchSchema, settingsSchema } from './settings';
import {
  diagnosticsResultSchema,
  uninstallInputSchema,
  uninstallPlanSchema,
  uninstallReportSchema,
} from './support';
import { operationStartedSchema, preflightReportSchema, vmOperationSchema } from './vm-model';

/**
 * THE IPC contract: every invoke channel (input and output schemas) and every event (payload
 * schema). Main, preload, devhost, the WebSocket client and the renderer are all derived from it,
 * so the compiler keeps them in step. Channel names are `domain:verb`.
 *
 * Channels without input declare `z.undefined()`: calling them with anything is `invalid-input`.
 */
const noInput = z.undefined();

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(runModes),
  platform: z.string(),
  arch: z.string(),
  versions: z.object({ node: z.string(), electron: z.string().nullable(), chrome: z.string().nullable() }),
  /** What this build installs, exactly: the k3s release and the sandbox's images. */
  pinned: z.object({
    k3s: z.string(),
    images: z.object({ openclaw: z.string(), squid: z.string(), busybox: z.string() }),
  }),
  paths: z.object({
    home: z.string(),
    settings: z.string(),
    logs: z.string(),
    lima: z.string(),
    kubeconfig: z.string(),
  }),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const settingsViewSchema = z.object({
  settings: settingsSchema,
  /** Set when the settings file was unreadable and defaults are in use; the UI shows it. */
  recovery: settingsRecoverySchema.nullable(),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

/** Channels that act on one model take its name, checked before it reaches a server. */
const modelInput = z.strictObject({ model: modelNameSchema });

export const contract = {
  invoke: {
    'app:get-state': { input: noInput, output: appStateSchema },
    'app:get-info': { input: noInput, output: appInfoSchema },
    'settings:get': { input: noInput, output: settingsViewSchema },
    'settings:update': { input: settingsPatchSchema, output: settingsViewSchema },
    'settings:dismiss-recovery': { input: noInput, output: settingsViewSchema },
    /** A window says whether it shows the readouts: the sampler runs only while someone does. */
    'metrics:watch': { input: metricsWatchInputSchema, output: metricsWatchOutputSchema },
    'metrics:get-history': { input: metricsHistoryInputSchema, output: metricsHistorySchema },
    /** The consented one-time powermetrics permission (admin prompt on macOS). */
    'metrics:setup-power': { input: metricsSetupPowerInputSchema, output: powerStatusSchema },
    'metrics:remove-power': { input: noInput, output: powerStatusSchema },
    /** Looks again for Ollama (installed? answering? whose?) and LM Studio, now. */
    'ollama:detect': { input: noInput, output: llmStateSchema },
    /** Adopts a server that already answers, otherwise starts and supervises `ollama serve`. */
    'ollama:start': { input: noInput, output: llmStateSchema },
    /** Stops the server only if Clawbar started it (`ollama-not-owned` otherwise). */
    'ollama:stop': { input: noInput, output: llmStateSchema },
    'ollama:restart': { input: noInput, output: llmStateSchema },
    /** Downloads, verifies and installs Ollama.app; `consent` records that the user agreed. */
    'ollama:install': { input: z.strictObject({ consent: z.literal(true) }), output: llmStateSchema },
    'ollama:cancel-install': { input: noInput, output: z.object({ cancelled: z.boolean() }) },
    'models:list': { input: noInput, output: z.array(installedModelSchema) },
    'models:running': { input: noInput, output: z.array(runningModelSchema) },
    /** Resolves when the pull ends; progress arrives as `models:pull-progress` events. */
    'models:pull': { input: modelInput, output: pullProgressSchema },
    'models:cancel-pull': { input: modelInput, output: z.object({ cancelled: z.boolean() }) },
    'models:delete': { input: modelInput, output: z.object({ model: z.string() }) },
    'models:show': { input: modelInput, output: modelInfoSchema },
    /** One short generation; tokens/s from the server's own counters. */
    'models:test': { input: modelInput, output: modelTestResultSchema },
    /** Memory-fit advice; `memoryBytes` asks "what if this Mac had that much memory". */
    'models:fit': {
      input: z
        .strictObject({
          memoryBytes: z
            .int()
            .positive()
            .max(2 ** 50)
            .optional(),
        })
        .optional(),
      output: fitReportSchema,
    },
    // VM operations run in the background: the call answers once the operation has started, and
    // its progress and outcome arrive as `vm:progress` events (and in AppState.vm.operation).
    'vm:create': { input: noInput, output: operationStartedSchema },
    'vm:start': { input: noInput, output: operationStartedSchema },
    'vm:stop': { input: noInput, output: operationStartedSchema },
    'vm:restart': { input: noInput, output: operationStartedSchema },
    // Deleting is destructive: the caller states that the user confirmed it.
    'vm:delete': { input: z.strictObject({ confirmed: z.literal(true) }), output: operationStartedSchema },
    'vm:cancel': { input: z.strictObject({ operationId: z.string().min(1).max(100) }), output: z.boolean() },
    'vm:preflight': { input: noInput, output: preflightReportSchema },
    // Sandbox operations run in the background like the VM's: progress as `cluster:progress`.
    /** Rolls new pods of the gateway or the proxy (`kubectl rollout restart`). */
    'cluster:restart': {
      input: z.strictObject({ target: z.enum(sandboxDeployments) }),
      output: operationStartedSchema,
    },
    /** Back to the previous revision (`kubectl rollout undo`). */
    'cluster:rollback': {
      input: z.strictObject({ target: z.enum(sandboxDeployments) }),
      output: operationStartedSchema,
    },
    'cluster:cancel': {
      input: z.strictObject({ operationId: z.string().min(1).max(100) }),
      output: z.boolean(),
    },
    'cluster:events': { input: noInput, output: z.array(clusterEventSchema) },
    /** The network toggles as they are on the server (drift, NOT ENFORCED). */
    'policies:list': { input: noInput, output: z.array(policyToggleSchema) },
    /** Saves the toggle and applies it; resolves when applied (the proxy rolled when needed). */
    'policies:set': {
      input: z.strictObject({ id: z.enum(policyToggleIds), enabled: z.boolean() }),
      output: z.array(policyToggleSchema),
    },
    /** Puts drifted policies back as Clawbar renders them. */
    'policies:repair': { input: noInput, output: z.array(policyToggleSchema) },
    'proxy:get-allowlist': { input: noInput, output: allowlistViewSchema },
    /** Validates (per-entry issues as `settings-invalid`, paths `sandbox.allowlist.domains.N`), saves, applies. */
    'proxy:set-allowlist': {
      input: z.strictObject({
        presets: z.array(z.enum(allowlistPresetIds)).max(allowlistPresetIds.length),
        domains: z.array(z.string().max(254)).max(500),
      }),
      output: allowlistViewSchema,
    },
    /** What the proxy refused lately (host, count, last seen, pod); updates come as `proxy:blocked`. */
    'proxy:blocked': { input: noInput, output: z.array(blockedRequestSchema) },
    /** Runs the sandbox self-test now (or joins the run in progress); also kept in AppState.selfTest. */
    'selftest:run': { input: noInput, output: selfTestReportSchema },
    /** The sandbox's pods and containers, for the log picker. */
    'logs:targets': { input: noInput, output: z.array(logTargetSchema) },
    /** Starts a stream for the calling window; lines arrive as `logs:lines`, its state as `logs:status`. */
    'logs:open': { input: logOpenInputSchema, output: logOpenOutputSchema },
    'logs:close': { input: z.strictObject({ streamId: logStreamIdSchema }), output: z.boolean() },
    // The one-click install runs in the background: these answer at once with its state, and its
    // progress arrives as `install:progress` events (a summary is in AppState.install).
    'install:get-state': { input: noInput, output: installViewSchema },
    /** Provider keys go to the Keychain before the run begins; only their names are kept. */
    'install:start': { input: installStartInputSchema, output: installViewSchema },
    /** Continues a failed, cancelled or interrupted install: every step is checked again first. */
    'install:resume': { input: noInput, output: installViewSchema },
    /** Runs a failed step again, then the steps after it. */
    'install:retry': { input: z.strictObject({ step: z.enum(installStepIds) }), output: installViewSchema },
    'install:cancel': { input: noInput, output: installViewSchema },
    /** The user leaves the onboarding for the control room before the install completed. */
    'install:dismiss': { input: noInput, output: installViewSchema },
    /** The VM size onboarding proposes for this Mac, and the limits it may choose within. */
    'install:vm-defaults': { input: noInput, output: installVmDefaultsSchema },
    /** The OpenClaw Control UI on 127.0.0.1 with the gateway token in its fragment, to open. */
    'install:control-ui-url': { input: noInput, output: z.object({ url: z.url() }) },
    // Secrets are write-only: every answer is the names that are set, and the schema (an enum of
    // names) cannot carry a value. The gateway token is generated: it can be neither set nor removed.
    'secrets:list': { input: noInput, output: secretNamesSchema },
    /** Stores a provider key in the Keychain, then updates the sandbox's Secret if it is installed. */
    'secrets:set': { input: secretsSetInputSchema, output: secretNamesSchema },
    'secrets:delete': { input: secretsDeleteInputSchema, output: secretNamesSchema },
    /** Writes the diagnostics bundle (secrets redacted; progress as `support:diagnose-progress`). */
    'support:diagnose': { input: z.strictObject({}), output: diagnosticsResultSchema },
    'support:cancel-diagnose': { input: noInput, output: z.object({ cancelled: z.boolean() }) },
    /** Exactly what an uninstall removes, and what stays unless ticked. */
    'support:uninstall-plan': { input: noInput, output: uninstallPlanSchema },
    /** Removes what the plan lists (the optional items only when ticked); the caller states the user confirmed. */
    'support:uninstall': { input: uninstallInputSchema, output: uninstallReportSchema },
  },
  events: {
    'state:changed': appStateSchema,
    'settings:changed': settingsViewSchema,
    /** Sent only to the clients that watch the readouts. */
    'metrics:sample': metricsSampleSchema,
    'models:pull-progress': pullProgressSchema,
    'ollama:install-progress': progressSchema,
    'vm:progress': vmOperationSchema,
    'cluster:progress': clusterOperationSchema,
    'proxy:blocked': z.array(blockedRequestSchema),
    /** Sent only to the client that opened the stream. */
    'logs:lines': logLinesEventSchema,
    'logs:status': logStatusEventSchema,
    'install:progress': installViewSchema,
    'support:diagnose-progress': progressSchema,
  },
} as const;

export type Contract = typeof contract;
export type InvokeChannel = keyof Contract['invoke'];
export type EventName = keyof Contract['events'];
export type InvokeInput<C extends InvokeChannel> = z.infer<Contract['invoke'][C]['input']>;
export type InvokeOutput<C extends InvokeChannel> = z.infer<Contract['invoke'][C]['output']>;
export type EventPayload<E extends EventName> = z.infer<Contract['events'][E]>;

export const invokeChannels = Object.keys(contract.invoke) as InvokeChannel[];
export const eventNames = Object.keys(contract.events) as EventName[];

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.hasOwn(contract.invoke, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(contract.events, value);
}
