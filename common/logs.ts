import { z } from 'zod';

import { ipcErrorSchema } from './errors';
import { sandboxPodRoles } from './sandbox';

/**
 * Live pod logs over the contract: `logs:open` starts a stream and returns its id, batches of lines
 * arrive as `logs:lines` events, the stream's state as `logs:status`, and `logs:close` ends it
 * (every stream also ends when the window that opened it goes away).
 */

/** A Kubernetes object name (DNS-1123 subdomain) or container name (DNS-1123 label). */
const podName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a pod name: lower-case letters, digits, - and .');
const containerName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a container name: lower-case letters, digits and -');

/** At most this many lines from before the stream opened. */
export const maxTailLines = 100_000;

export const logOpenInputSchema = z.strictObject({
  pod: podName,
  /** Required when the pod has several containers (the gateway has an init container). */
  container: containerName.optional(),
  follow: z.boolean().default(true),
  tailLines: z.int().min(0).max(maxTailLines).optional(),
  /** The previous instance of a restarted container (why did it crash?). */
  previous: z.boolean().default(false),
  timestamps: z.boolean().default(false),
});
export type LogOpenInput = z.input<typeof logOpenInputSchema>;

export const logStreamIdSchema = z.string().min(1).max(100);

export const logOpenOutputSchema = z.object({
  streamId: logStreamIdSchema,
  pod: z.string(),
  container: z.string(),
});

export const logLineSchema = z.object({
  /** Increases by one per line of this stream, across reconnects: gaps mean lines were dropped. */
  seq: z.int().nonnegative(),
  text: z.string(),
  /** The kubelet's timestamp when the stream asked for timestamps. */
  time: z.string().nullable(),
});
export type LogLine = z.infer<typeof logLineSchema>;

export const logLinesEventSchema = z.object({
  streamId: logStreamIdSchema,
  lines: z.array(logLineSchema),
});
export type LogLinesEvent = z.infer<typeof logLinesEventSchema>;

export const logStreamStates = ['streaming', 'reconnecting', 'ended', 'failed'] as const;
export type LogStreamState = (typeof logStreamStates)[number];

export const logStatusEventSchema = z.object({
  streamId: logStreamIdSchema,
  state: z.enum(logStreamStates),
  /** Lines dropped because the client fell behind the stream (memory stays bounded). */
  dropped: z.int().nonnegative(),
  error: ipcErrorSchema.nullable(),
});
export type LogStatusEvent = z.infer<typeof logStatusEventSchema>;

/** What the picker offers: every sandbox pod and its containers. */
export const logTargetSchema = z.object({
  pod: z.string(),
  role: z.enum(sandboxPodRoles),
  containers: z.array(
    z.object({
      name: z.string(),
      init: z.boolean(),
      /** The container restarted at least once, so `previous` has something to show. */
      hasPrevious: z.boolean(),
    }),
  ),
});
export type LogTarget = z.infer<typeof logTargetSchema>;
