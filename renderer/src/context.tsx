import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';

import type { Api } from '../../common/api';
import type { Bridge } from './bridge';
import type { ClawbarState, ClawbarStore } from './store';

interface ClawbarContextValue {
  bridge: Bridge;
  store: ClawbarStore;
}

const ClawbarContext = createContext<ClawbarContextValue | null>(null);

export function ClawbarProvider({ bridge, store, children }: ClawbarContextValue & { children: ReactNode }) {
  return <ClawbarContext.Provider value={{ bridge, store }}>{children}</ClawbarContext.Provider>;
}

function useClawbarContext(): ClawbarContextValue {
  const value = useContext(ClawbarContext);
  if (!value) throw new Error('ClawbarProvider is missing');
  return value;
}

export function useApi(): Api {
  return useClawbarContext().bridge.api;
}

export function useBridgeKind(): Bridge['kind'] {
  return useClawbarContext().bridge.kind;
}

export function useClawbar<T>(selector: (state: ClawbarState) => T): T {
  return useStore(useClawbarContext().store, selector);
}
