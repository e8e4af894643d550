import { buildApi, type Api, type Unsubscribe } from '../../common/api';
import { createWsTransport, devhostSocketUrl, takeDevhostToken, type ConnectionStatus } from './ws-client';

/**
 * The renderer's only door to Clawbar: `window.api` from the Electron preload when present,
 * otherwise the devhost's WebSocket. Both are the same Api type, derived from common/contract.ts.
 */
export interface Bridge {
  api: Api;
  kind: 'electron' | 'devhost';
  connection: {
    readonly status: ConnectionStatus;
    onStatus(listener: (status: ConnectionStatus) => void): Unsubscribe;
  };
}

export function connectBridge(): Bridge {
  if (window.api) {
    return {
      api: window.api,
      kind: 'electron',
      connection: { status: 'open', onStatus: () => () => undefined },
    };
  }
  const token = takeDevhostToken(window.location, window.history, window.sessionStorage);
  const transport = createWsTransport({ url: devhostSocketUrl(window.location, token) });
  return {
    api: buildApi(transport),
    kind: 'devhost',
    connection: transport,
  };
}
