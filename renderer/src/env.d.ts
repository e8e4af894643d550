import type { Api } from '../../common/api';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser (devhost), where bridge.ts uses the WebSocket. */
    readonly api?: Api;
  }
}

export {};
