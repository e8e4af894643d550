import type { Cluster } from './cluster';
import { rfc3339, rfc3339Micro } from './ids';
import { resourceType } from './resources';
import type { KubeObject } from './store';

/**
 * Core v1 Events as the components write them. The kubelet and the controllers use the legacy
 * recorder: `count`, `firstTimestamp`, `lastTimestamp`, `source`, repeated events aggregated
 * into one object whose count goes up. The scheduler uses the events.k8s.io API, which reads back
 * through core v1 with `eventTime`, `action`, `reportingComponent`/`reportingInstance`, an empty
 * `source` and null first/last timestamps — clients must handle both shapes, as with a real cluster.
 */
export interface EventSource {
  component: string;
  host?: string;
}

export interface EventInput {
  involved: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  source: EventSource;
  /** `spec.containers{name}` for container events. */
  fieldPath?: string;
  /** The events.k8s.io style (scheduler): eventTime and action instead of count and timestamps. */
  action?: string;
}

const eventsType = resourceType('events');

function hexNanos(): string {
  return (BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString(16);
}

export class EventRecorder {
  /** Aggregation key → event name. */
  private readonly names = new Map<string, string>();

  constructor(private readonly cluster: Cluster) {}

  record(input: EventInput): void {
    const involved = input.involved;
    const namespace = involved.metadata.namespace ?? 'default';
    const involvedObject = {
      kind: involved.kind,
      namespace: involved.metadata.namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: involved.metadata.resourceVersion,
      ...(input.fieldPath ? { fieldPath: input.fieldPath } : {}),
    };
    const now = new Date();
    try {
      if (input.action) {
        this.cluster.create(
          eventsType,
          namespace,
          {
            metadata: { name: `${involved.metadata.name ?? 'object'}.${hexNanos()}`, namespace },
            involvedObject,
            reason: input.reason,
            message: input.message,
            source: {},
            firstTimestamp: null,
            lastTimestamp: null,
            type: input.type,
            eventTime: rfc3339Micro(now),
            action: input.action,
            reportingComponent: input.source.component,
            reportingInstance: `${input.source.component}-${input.source.host ?? ''}`,
          },
          { manager: input.source.component, internal: true },
        );
        return;
      }
      const key = JSON.stringify([
        involved.metadata.uid,
        input.fieldPath,
        input.reason,
        input.message,
        input.source,
        input.type,
      ]);
      const existingName = this.names.get(key);
      const existing = existingName ? this.cluster.find(eventsType, namespace, existingName) : undefined;
      if (existing) {
        this.cluster.updateObject(eventsType, namespace, existingName ?? '', event => {
          event.count = (typeof event.count === 'number' ? event.count : 1) + 1;
          event.lastTimestamp = rfc3339(now);
          event.involvedObject = involvedObject;
        });
        return;
      }
      const name = `${involved.metadata.name ?? 'object'}.${hexNanos()}`;
      this.names.set(key, name);
      this.cluster.create(
        eventsType,
        namespace,
        {
          metadata: { name, namespace },
          involvedObject,
          reason: input.reason,
          message: input.message,
          source: input.source,
          firstTimestamp: rfc3339(now),
          lastTimestamp: rfc3339(now),
          count: 1,
          type: input.type,
          eventTime: null,
          reportingComponent: input.source.component,
          reportingInstance: input.source.host ?? '',
        },
        { manager: input.source.component, internal: true },
      );
    } catch {
      // Like the real recorder: an event that cannot be written (namespace terminating) is dropped.
    }
  }
}
