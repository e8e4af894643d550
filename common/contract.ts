import { z } from 'zod';

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
import { progressSchema } from './progress';
import { settingsRecoverySchema, appStateSchema, llmStateSchema, powerStatusSchema, runModes } from './state';
import { settingsPatchSchema, settingsSchema } from './settings';
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
  },
  events: {
    'state:changed': appStateSchema,
    'settings:changed': settingsViewSchema,
    /** Sent only to the clients that watch the readouts. */
    'metrics:sample': metricsSampleSchema,
    'models:pull-progress': pullProgressSchema,
    'ollama:install-progress': progressSchema,
    'vm:progress': vmOperationSchema,
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
