import { Watch, type KubernetesObject } from '@kubernetes/client-node';

import type { KubeConnection } from './kube-connection';
import type { ListWatchSource } from './resource-watch';

/**
 * A ListWatchSource over the k3s API for one collection `path`: the list as raw JSON (like the
 * watch's events, so every object has the API's own field names), then a watch from its version.
 */
export function kubeListWatch<T extends KubernetesObject>(
  connection: KubeConnection,
  path: string,
): ListWatchSource<T> {
  const watch = new Watch(connection.config);
  return {
    list: async () => {
      const result = await connection.getJson<{ items?: T[]; metadata?: { resourceVersion?: string } }>(path);
      return { items: result.items ?? [], resourceVersion: result.metadata?.resourceVersion ?? '' };
    },
    watch: (resourceVersion, onEvent, done) =>
      watch.watch(
        path,
        { resourceVersion, allowWatchBookmarks: true },
        (type: string, object: T) => onEvent(type, object),
        done,
      ),
  };
}
