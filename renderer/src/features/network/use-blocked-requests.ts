import { useEffect, useRef, useState } from 'react';

import type { IpcError } from '../../../../common/errors';
import type { BlockedRequest } from '../../../../common/proxy-log';
import { useApi, useClawbar } from '../../context';

/**
 * What the egress proxy refused: the list as it is when the page opens (`proxy:blocked`), then
 * each update the services push. An answer that left before the latest push is older than it.
 */
export function useBlockedRequests(enabled: boolean): {
  list: BlockedRequest[] | null;
  error: IpcError | null;
} {
  const api = useApi();
  const connection = useClawbar(state => state.connection);
  const [list, setList] = useState<BlockedRequest[] | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const pushes = useRef(0);

  useEffect(
    () =>
      api.on('proxy:blocked', next => {
        pushes.current += 1;
        setError(null);
        setList(next);
      }),
    [api],
  );
  useEffect(() => {
    if (!enabled || connection !== 'open') return;
    let current = true;
    const before = pushes.current;
    void api.proxy.blocked().then(result => {
      if (!current || pushes.current !== before) return;
      if (result.ok) {
        setError(null);
        setList(result.value);
      } else setError(result.error);
    });
    return () => {
      current = false;
    };
  }, [api, enabled, connection]);
  return { list, error };
}
