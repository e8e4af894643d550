import type { IpcRenderer, IpcRendererEvent } from 'electron';

import type { Transport } from '../../common/api';
import type { Result } from '../../common/result';

/**
 * The Electron side of the Api: invoke over ipcRenderer.invoke; listeners get the payload only,
 * never the IpcRendererEvent (which would hand the page a reference to ipcRenderer's sender).
 */
export function ipcTransport(ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): Transport {
  return {
    invoke: (channel, input) => ipcRenderer.invoke(channel, input) as Promise<Result<unknown>>,
    on: (event, listener) => {
      const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
      ipcRenderer.on(event, wrapped);
      return () => {
        ipcRenderer.removeListener(event, wrapped);
      };
    },
  };
}
