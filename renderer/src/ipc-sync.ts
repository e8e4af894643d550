import type { Bridge } from './bridge';
import type { ClawbarStore } from './store';

/**
 * The one module that feeds the store from the bridge: the pushed events, plus a full fetch
 * whenever the connection (re)opens, since events missed while disconnected are gone.
 */
export function startIpcSync(bridge: Bridge, store: ClawbarStore): () => void {
  const { api } = bridge;
  const actions = store.getState();

  const refresh = async (): Promise<void> => {
    const [state, info, settings] = await Promise.all([
      api.app.getState(),
      api.app.getInfo(),
      api.settings.get(),
    ]);
    if (state.ok) actions.applyAppState(state.value);
    if (info.ok) actions.setInfo(info.value);
    if (settings.ok) actions.setSettings(settings.value);
  };

  const unsubscribers = [
    api.on('state:changed', state => actions.applyAppState(state)),
    api.on('settings:changed', view => actions.setSettings(view)),
    api.on('vm:progress', operation => actions.applyVmOperation(operation)),
    bridge.connection.onStatus(status => {
      actions.setConnection(status);
      if (status === 'open') void refresh();
    }),
  ];
  actions.setConnection(bridge.connection.status);
  // Over the WebSocket, the first fetch waits for the `open` status above.
  if (bridge.connection.status === 'open') void refresh();

  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
