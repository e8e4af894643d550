import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The fake's etcd: every object by resource type, namespace and name, one cluster-wide
 * resourceVersion counter (etcd's revision), a bounded history of changes so watches can resume
 * from a resourceVersion (older than the history → 410 Gone, like a compacted etcd), fan-out to
 * watchers, and optional persistence to one JSON file (written shortly after each change, and
 * on close) so the state survives a restart like etcd's data dir.
 */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
};

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  resourceVersion: number;
  typeKey: string;
  type: WatchEventType;
  object: KubeObject;
  /** The object before the change (MODIFIED and DELETED). */
  previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

interface PersistedState {
  version: 1;
  resourceVersion: number;
  objects: Record<string, KubeObject[]>;
  extras: Record<string, unknown>;
}

export interface StoreOptions {
  /** Where to persist (a JSON file); nothing is written without it. */
  file?: string;
  /** How many changes a watch can resume across. */
  historyLimit?: number;
  /** The first resourceVersion of an empty store. */
  initialResourceVersion?: number;
  /** Where a listener's exception goes (it never stops delivery to the others). */
  onListenerError?: (error: unknown) => void;
}

/**
 * Which resource: its type key (`pods`, `deployments.apps`, as resources.ts typeKey makes it) or
 * its group, version and plural resource name.
 */
export type ResourceRef = string | { group: string; version?: string; resource: string };

export function refKey(ref: ResourceRef): string {
  if (typeof ref === 'string') return ref;
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private readonly historyLimit: number;
  private readonly file: string | undefined;
  private revision: number;
  /** The oldest resourceVersion a watch can start from. */
  private oldestResumable: number;
  private saveTimer: NodeJS.Timeout | undefined;
  private extrasState: Record<string, unknown> = {};
  private readonly queue: StoreEvent[] = [];
  private dispatching = false;
  private readonly onListenerError: (error: unknown) => void;

  constructor(options: StoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 1000;
    this.file = options.file;
    this.revision = options.initialResourceVersion ?? 1000;
    this.oldestResumable = this.revision;
    this.onListenerError = options.onListenerError ?? (() => undefined);
    if (this.file && existsSync(this.file)) this.load(this.file);
  }

  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion still in the history: watches from before it get 410 Gone. */
  get oldestResourceVersion(): number {
    return this.oldestResumable;
  }

  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.objects.get(refKey(ref))?.get(objectKey(namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  /** Objects of a type, sorted by namespace then name, like etcd's key order. */
  list(ref: ResourceRef, namespace?: string): KubeObject[] {
    const bucket = this.objects.get(refKey(ref));
    if (!bucket) return [];
    const out: KubeObject[] = [];
    for (const object of bucket.values()) {
      if (namespace === undefined || object.metadata.namespace === namespace)
        out.push(structuredClone(object));
    }
    return out.sort((a, b) =>
      objectKey(a.metadata.namespace, a.metadata.name ?? '').localeCompare(
        objectKey(b.metadata.namespace, b.metadata.name ?? ''),
      ),
    );
  }

  /** Every object, of every type (garbage collection looks up owners by uid). */
  findByUid(uid: string): { typeKey: string; object: KubeObject } | undefined {
    for (const [typeKey, bucket] of this.objects) {
      for (const object of bucket.values()) {
        if (object.metadata.uid === uid) return { typeKey, object: structuredClone(object) };
      }
    }
    return undefined;
  }

  typeKeys(): string[] {
    return [...this.objects.keys()];
  }

  /** Stores an object (new or replacing), giving it the next resourceVersion. */
  put(typeKey: string, object: KubeObject): KubeObject {
    const bucket = this.objects.get(typeKey) ?? new Map<string, KubeObject>();
    this.objects.set(typeKey, bucket);
    const key = objectKey(object.metadata.namespace, object.metadata.name ?? '');
    const previous = bucket.get(key);
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    bucket.set(key, stored);
    this.record({
      resourceVersion: this.revision,
      typeKey,
      type: previous ? 'MODIFIED' : 'ADDED',
      object: stored,
      ...(previous ? { previous } : {}),
    });
    return structuredClone(stored);
  }

  remove(typeKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const bucket = this.objects.get(typeKey);
    const key = objectKey(namespace, name);
    const previous = bucket?.get(key);
    if (!bucket || !previous) return undefined;
    bucket.delete(key);
    const deleted = structuredClone(previous);
    deleted.metadata.resourceVersion = String(++this.revision);
    this.record({ resourceVersion: this.revision, typeKey, type: 'DELETED', object: deleted, previous });
    return structuredClone(deleted);
  }

  /** Changes after `resourceVersion`, or null when the history no longer reaches back that far. */
  since(resourceVersion: number): StoreEvent[] | null {
    if (resourceVersion < this.oldestResumable) return null;
    return this.history.filter(event => event.resourceVersion > resourceVersion);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** State other parts keep beside the objects (the kubelet's image cache, …), persisted with them. */
  extras(key: string): unknown {
    return this.extrasState[key];
  }

  setExtras(key: string, value: unknown): void {
    this.extrasState[key] = value;
    this.scheduleSave();
  }

  /** Writes pending changes now (close does this too). */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.file) return;
    const state: PersistedState = {
      version: 1,
      resourceVersion: this.revision,
      objects: Object.fromEntries([...this.objects].map(([key, bucket]) => [key, [...bucket.values()]])),
      extras: this.extrasState,
    };
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
    renameSync(temporary, this.file);
  }

  close(): void {
    this.flush();
    this.listeners.clear();
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      const last = dropped[dropped.length - 1];
      if (last) this.oldestResumable = last.resourceVersion;
    }
    this.scheduleSave();
    // Writes made by a listener are queued behind the event being delivered, so every listener
    // (every watch) sees changes in resourceVersion order.
    this.queue.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener(next);
          } catch (error) {
            this.onListenerError(error);
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  private scheduleSave(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 50);
    this.saveTimer.unref();
  }

  private load(file: string): void {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 1)
      return;
    const state = parsed as PersistedState;
    this.revision = state.resourceVersion;
    this.oldestResumable = state.resourceVersion;
    for (const [typeKey, objects] of Object.entries(state.objects)) {
      const bucket = new Map<string, KubeObject>();
      for (const object of objects)
        bucket.set(objectKey(object.metadata.namespace, object.metadata.name ?? ''), object);
      this.objects.set(typeKey, bucket);
    }
    this.extrasState = state.extras;
  }
}
