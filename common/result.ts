import { z } from 'zod';

import { ipcErrorSchema, type IpcError } from './errors';

/** The envelope every invoke channel answers with, over Electron IPC and over the devhost WebSocket. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(error: IpcError): Result<never> {
  return { ok: false, error };
}

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: ipcErrorSchema }),
  ]);
}
