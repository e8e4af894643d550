import { z } from 'zod';

/**
 * Every error that crosses a boundary (IPC, WebSocket, CLI) carries one of these codes. The UI
 * translates the code (`errors.<code>` in common/i18n); the message is the English detail for logs
 * and for the CLI.
 */
export const errorCodes = [
  'invalid-input',
  'invalid-output',
  'invalid-message',
  'unknown-channel',
  'forbidden-sender',
  'internal',
  'disconnected',
  'cancelled',
  'timeout',
  'not-found',
  'exec-not-found',
  'exec-failed',
  'exec-timeout',
  'exec-cancelled',
  'settings-invalid',
  'settings-unreadable',
  'settings-write-failed',
  'metrics-power-unsupported',
  'metrics-power-cancelled',
  'metrics-power-setup-failed',
  'metrics-power-remove-failed',
  'metrics-replay-unreadable',
  'ollama-not-installed',
  'ollama-not-running',
  'ollama-unreachable',
  'ollama-port-busy',
  'ollama-start-failed',
  'ollama-crashed',
  'ollama-not-owned',
  'ollama-api-error',
  'model-not-found',
  'pull-failed',
  'download-failed',
  'download-truncated',
  'archive-invalid',
  'install-failed',
  'already-installed',
  'busy',
  'vm-limactl-not-found',
  'vm-limactl-unsupported',
  'vm-busy',
  'vm-not-created',
  'vm-already-exists',
  'vm-preflight-failed',
  'vm-stage-failed',
  'vm-stage-timeout',
  'vm-port-in-use',
  'vm-operation-not-found',
  'vm-kubeconfig-missing',
  'kubeconfig-invalid',
  'kubeconfig-conflict',
  'kubeconfig-write-failed',
  'k3s-connection-refused',
  'k3s-port-in-use',
  'k3s-certificate-mismatch',
  'k3s-crash-looping',
  'k3s-unauthorized',
  'k3s-api-not-ready',
  'k3s-node-not-ready',
  'cluster-not-connected',
  'cluster-unreachable',
  'cluster-unauthorized',
  'cluster-forbidden',
  'cluster-bad-request',
  'cluster-conflict',
  'cluster-gone',
  'cluster-invalid',
  'cluster-api-error',
  'logs-stream-not-found',
  'logs-too-many-streams',
  'cluster-rollout-failed',
  'cluster-busy',
  'cluster-operation-not-found',
  'selftest-failed',
  'sandbox-not-installed',
  'proxy-allowlist-invalid',
  'proxy-config-invalid',
  'manifests-missing',
  'manifests-invalid',
  'sandbox-resources-invalid',
  'install-busy',
  'install-not-resumable',
  'install-port-forward-failed',
  'install-selftest-failed',
  'secrets-unavailable',
  'secrets-access-denied',
  'secrets-read-failed',
  'secrets-write-failed',
  'secrets-delete-failed',
  'secrets-value-invalid',
  'diagnostics-busy',
  'diagnostics-secret-found',
  'diagnostics-write-failed',
  'uninstall-busy',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const errorCodeSchema = z.enum(errorCodes);

export const ipcErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  /** Optional structured detail, e.g. which settings fields were invalid. Never holds secrets. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export type IpcError = z.infer<typeof ipcErrorSchema>;

export class ClawbarError extends Error {
  override readonly name = 'ClawbarError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: IpcError['issues'],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toIpcError(): IpcError {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

export function isClawbarError(value: unknown): value is ClawbarError {
  return value instanceof ClawbarError;
}

/** Flattens zod issues into `path: message` pairs a form or a CLI can show next to the field. */
export function issuesFromZod(error: z.ZodError): NonNullable<IpcError['issues']> {
  return error.issues.map(issue => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

export function describeIssues(issues: NonNullable<IpcError['issues']>): string {
  return issues.map(issue => `${issue.path}: ${issue.message}`).join('; ');
}
