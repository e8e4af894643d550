import { z } from 'zod';

/**
 * Support: the diagnostics bundle (a zip of logs and states, secrets redacted) and the uninstall
 * (a plan that lists exactly what goes, then the removal, item by item). Pure schemas, shared by
 * the contract, the services and the fronts.
 */

/** A part of the bundle that could not be collected, and why (also written to MISSING.txt). */
export const diagnosticsMissingSchema = z.object({
  /** The bundle path the part would have had, e.g. `k3s/journal.log`. */
  part: z.string(),
  reason: z.string(),
});
export type DiagnosticsMissing = z.infer<typeof diagnosticsMissingSchema>;

export const diagnosticsResultSchema = z.object({
  path: z.string(),
  bytes: z.int().nonnegative(),
  missing: z.array(diagnosticsMissingSchema),
});
export type DiagnosticsResult = z.infer<typeof diagnosticsResultSchema>;

/** Everything an uninstall can remove, in the order it removes them. */
export const uninstallItemIds = [
  'ollama-server',
  'vm',
  'cluster-objects',
  'lima-home',
  'kubeconfig',
  'user-kubeconfig',
  'login-item',
  'keychain',
  'power-permission',
  'openclaw-state',
  'ollama-app',
  'ollama-data',
  'cache',
  'state',
  'diagnostics',
  'settings',
  'logs',
  'data-dir',
] as const;
export type UninstallItemId = (typeof uninstallItemIds)[number];

/** The two things that stay unless the user ticks them. */
export const uninstallChoiceIds = ['removeOpenclawState', 'removeOllama'] as const;
export type UninstallChoiceId = (typeof uninstallChoiceIds)[number];

/** Why an item is as it is: `uninstall.notes.<code>` in the strings. */
export const uninstallNoteCodes = [
  'removed-with-vm',
  'not-installed-by-clawbar',
  'login-item-app-only',
  'keychain-unavailable',
  'needs-admin-prompt',
  'only-clawbar-entries',
  'only-if-empty',
  'still-running',
] as const;
export type UninstallNoteCode = (typeof uninstallNoteCodes)[number];

export const uninstallItemSchema = z.object({
  id: z.enum(uninstallItemIds),
  /** `removed`: goes in any case; `optional`: stays unless its choice is ticked; `kept`: stays. */
  kind: z.enum(['removed', 'optional', 'kept']),
  /** The choice that removes an optional item. */
  choice: z.enum(uninstallChoiceIds).nullable(),
  /** What exactly: files and folders, Keychain accounts, kubeconfig entries. */
  targets: z.array(z.string()),
  /** Bytes on disk, when cheap to know; null otherwise. */
  sizeBytes: z.int().nonnegative().nullable(),
  note: z.enum(uninstallNoteCodes).nullable(),
  /** Values for the note's and the item's strings. */
  params: z.record(z.string(), z.string()),
});
export type UninstallItem = z.infer<typeof uninstallItemSchema>;

export const uninstallPlanSchema = z.object({
  items: z.array(uninstallItemSchema),
  createdAt: z.iso.datetime(),
});
export type UninstallPlan = z.infer<typeof uninstallPlanSchema>;

export const uninstallChoicesSchema = z.strictObject({
  removeOpenclawState: z.boolean(),
  removeOllama: z.boolean(),
});
export type UninstallChoices = z.infer<typeof uninstallChoicesSchema>;

export const uninstallInputSchema = uninstallChoicesSchema.extend({ confirmed: z.literal(true) });

export const uninstallOutcomes = ['removed', 'absent', 'kept', 'skipped', 'failed'] as const;
export type UninstallOutcome = (typeof uninstallOutcomes)[number];

export const uninstallResultSchema = z.object({
  id: z.enum(uninstallItemIds),
  outcome: z.enum(uninstallOutcomes),
  /** What happened, in English (for logs and the CLI); the UI shows the outcome and this detail. */
  message: z.string(),
});
export type UninstallResult = z.infer<typeof uninstallResultSchema>;

export const uninstallReportSchema = z.object({
  results: z.array(uninstallResultSchema),
  /** Every item that was to go went (or was not there): nothing failed. */
  complete: z.boolean(),
});
export type UninstallReport = z.infer<typeof uninstallReportSchema>;
