import { contextBridge, ipcRenderer } from 'electron';

import { buildApi } from '../../common/api';
import { ipcTransport } from './transport';

// The page gets exactly one frozen object, derived from the contract, and nothing else.
contextBridge.exposeInMainWorld('api', buildApi(ipcTransport(ipcRenderer)));
