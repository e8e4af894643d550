import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';

import { invokeChannels } from '../../common/contract';
import { fail, type Result } from '../../common/result';
import type { Client } from '../services/ipc/clients';
import { dispatch, type Handlers } from '../services/ipc/dispatch';
import type { Logger } from '../services/platform/log';
import { isTrustedUrl, type TrustedOrigins } from './security';

/**
 * Validated IPC: one ipcMain.handle per contract channel, all through handle(), which refuses a
 * sender that is not the main frame of one of our windows showing our own origin, then leaves
 * parsing, the call and the envelope to the shared dispatcher.
 */
export type SenderFrame = Pick<WebFrameMain, 'url' | 'parent'> | null | undefined;

export function isTrustedSender(frame: SenderFrame, trusted: TrustedOrigins): boolean {
  if (!frame) return false; // the frame navigated away or was destroyed
  if (frame.parent !== null) return false; // subframes never talk to main
  return isTrustedUrl(frame.url, trusted);
}

export interface IpcRegistration {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  handlers: Handlers;
  trusted: TrustedOrigins;
  log: Logger;
  /** The Client of the window that sent the event (created when the window opened). */
  clientFor: (event: IpcMainInvokeEvent) => Client | undefined;
}

export function handle(
  registration: IpcRegistration,
  channel: string,
  event: IpcMainInvokeEvent,
  input: unknown,
): Promise<Result<unknown>> {
  const { trusted, log, handlers, clientFor } = registration;
  const client = clientFor(event);
  if (!isTrustedSender(event.senderFrame, trusted) || !client) {
    log.warn('Refused IPC from an untrusted sender', { channel, url: event.senderFrame?.url ?? null });
    return Promise.resolve(fail({ code: 'forbidden-sender', message: `The sender may not call ${channel}` }));
  }
  return dispatch(handlers, channel, input, { client }, log);
}

export function registerIpc(registration: IpcRegistration): () => void {
  for (const channel of invokeChannels) {
    registration.ipcMain.handle(channel, (event, input: unknown) =>
      handle(registration, channel, event, input),
    );
  }
  return () => {
    for (const channel of invokeChannels) registration.ipcMain.removeHandler(channel);
  };
}
