import type { CoreV1Event } from '@kubernetes/client-node';

import type { ClusterEvent, ClusterView } from '../../../common/sandbox';

const warningWindowMs = 60 * 60 * 1000;
const maxWarnings = 50;

/** The namespace's warnings of the last hour, newest first: what the dashboard highlights. */
export function warningEvents(events: readonly CoreV1Event[], now = Date.now()): ClusterView['warnings'] {
  return events
    .filter(event => event.type === 'Warning')
    .map(event => ({ event, seen: lastSeen(event) }))
    .filter(({ seen }) => seen === null || now - Date.parse(seen) <= warningWindowMs)
    .sort((a, b) => (b.seen ?? '').localeCompare(a.seen ?? ''))
    .slice(0, maxWarnings)
    .map(({ event, seen }) => ({
      reason: event.reason ?? '',
      message: event.message ?? '',
      object: `${event.involvedObject.kind ?? ''}/${event.involvedObject.name ?? ''}`,
      count: event.count ?? 1,
      lastSeen: seen,
    }));
}

function lastSeen(event: CoreV1Event): string | null {
  const time =
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return time ? new Date(time).toISOString() : null;
}

/** Every event of the namespace: warnings first, then newest first. */
export function namespaceEvents(events: readonly CoreV1Event[]): ClusterEvent[] {
  return events
    .map(event => ({
      type: event.type === 'Warning' ? ('Warning' as const) : ('Normal' as const),
      reason: event.reason ?? '',
      message: event.message ?? '',
      object: `${event.involvedObject.kind ?? ''}/${event.involvedObject.name ?? ''}`,
      count: event.count ?? 1,
      lastSeen: lastSeen(event),
    }))
    .sort((a, b) =>
      a.type === b.type ? (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '') : a.type === 'Warning' ? -1 : 1,
    );
}
