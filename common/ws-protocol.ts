import { z } from 'zod';

import { ipcErrorSchema } from './errors';

/**
 * Frames of the devhost WebSocket: the same contract as Electron IPC, carried as JSON.
 * The client sends `invoke` frames; the server answers each with a `result` of the same id and
 * pushes `event` frames. A frame the server cannot read gets an `error` frame; the socket stays up.
 */
export const wsInvokeFrameSchema = z.strictObject({
  type: z.literal('invoke'),
  id: z.int().nonnegative(),
  channel: z.string(),
  input: z.unknown().optional(),
});
export type WsInvokeFrame = z.infer<typeof wsInvokeFrameSchema>;

export const wsServerFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('result'),
    id: z.int().nonnegative(),
    result: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: ipcErrorSchema }),
    ]),
  }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('error'), error: ipcErrorSchema }),
]);
export type WsServerFrame = z.infer<typeof wsServerFrameSchema>;

/** Query parameter carrying the per-run token on the WebSocket URL. */
export const wsTokenParam = 'token';
/** Path of the WebSocket endpoint on the devhost. */
export const wsPath = '/api';
/** Close codes the client tells apart: a refused token is not worth retrying. */
export const wsCloseCodes = { normal: 1000, goingAway: 1001, policy: 1008 } as const;
