import { useSyncExternalStore } from 'react';

import type { LogSession, StreamStatus, ViewState } from './log-session';

/**
 * A part of a session's state, re-rendering only when that part changes: the session publishes
 * once per frame while lines flow, and most of the page needs none of it.
 */
export function useViewValue<T>(session: LogSession, select: (view: ViewState) => T): T {
  return useSyncExternalStore(session.subscribe, () => select(session.getView()));
}

export function useStatusValue<T>(session: LogSession, select: (status: StreamStatus) => T): T {
  return useSyncExternalStore(session.subscribe, () => select(session.getStatus()));
}

export function useView(session: LogSession): ViewState {
  return useSyncExternalStore(session.subscribe, session.getView);
}

export function useStatus(session: LogSession): StreamStatus {
  return useSyncExternalStore(session.subscribe, session.getStatus);
}
