import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import { parse as parseYaml } from 'yaml';

import {
  ApiError,
  badRequest,
  methodNotAllowed,
  notFound,
  resourceNotFound,
  unsupportedMediaType,
} from './api-error';
import {
  withoutTypeMeta,
  withTypeMeta,
  type Cluster,
  type DeleteOptions,
  type PatchType,
  type WriteOptions,
} from './cluster';
import type { Faults } from './faults';
import type { Kubelet } from './kubelet';
import { parseLogQuery, serveLogs } from './logs';
import { parsePorts, servePortForward } from './portforward';
import {
  apiGroupDocument,
  apiGroupListDocument,
  apiResourceListDocument,
  apiVersionOf,
  apiVersionsDocument,
  findByResource,
  type ResourceType,
} from './resources';
import { formatLabelSelector, type LabelSelectorObject } from './selectors';
import type { KubeObject, ObjectStore } from './store';
import { serveWatch, type WatchTiming } from './watch';

/**
 * The HTTP surface of the fake apiserver (after authentication): discovery, the resource paths
 * (`/api/v1/...`, `/apis/{group}/{version}/...`, namespaced and cluster-scoped, with `status`,
 * `scale`, `log` and `portforward` subresources), every verb with its query parameters, watch,
 * Status error bodies, Warning headers and injected faults.
 */
type Obj = Record<string, unknown>;

export interface RestContext {
  cluster: Cluster;
  store: ObjectStore;
  kubelet: Kubelet;
  faults: Faults;
  watchTiming: WatchTiming;
  serverAddress: string;
  version: Record<string, string>;
}

interface Route {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  watchPrefix: boolean;
}

const maxBody = 3 * 1024 * 1024;

function sendJson(
  response: ServerResponse,
  code: number,
  body: unknown,
  pretty: boolean,
  headers: Record<string, string | string[]> = {},
): void {
  const text = pretty ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body);
  response.writeHead(code, {
    'Audit-Id': randomUUID(),
    'Cache-Control': 'no-cache, private',
    'Content-Type': 'application/json',
    ...headers,
  });
  response.end(text);
}

export function sendError(response: ServerResponse, error: ApiError): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const headers: Record<string, string> = {};
  if (error.details?.retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(error.details.retryAfterSeconds);
  sendJson(response, error.code, error.toStatus(), false, headers);
}

function warningHeaders(warnings: string[]): Record<string, string[]> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map(warning => `299 - ${JSON.stringify(warning)}`) };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) {
        reject(new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${maxBody}`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function decodeBody(text: string, contentType: string): unknown {
  if (text.trim() === '') throw badRequest('the request body is empty');
  try {
    return contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

/** Parses the path into the addressed resource, or undefined for a path that names none. */
export function route(pathname: string): Route | undefined {
  const parts = pathname
    .split('/')
    .filter(part => part !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  const type = findByResource(group, version, resource);
  if (!type) return undefined;
  if (namespace !== undefined && !type.namespaced) return undefined;
  if (subresource && !(subresource in type.subresources)) return undefined;
  return { type, namespace, name, subresource, watchPrefix };
}

function bool(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  return value === 'true' || value === '1' || value === '';
}

function writeOptions(request: IncomingMessage, params: URLSearchParams): WriteOptions {
  const dryRun = params.getAll('dryRun');
  if (dryRun.some(value => value !== 'All')) {
    throw badRequest(`Invalid dryRun value: ${dryRun.join(',')}. Only "All" is supported`);
  }
  const manager = params.get('fieldManager') ?? undefined;
  if (manager !== undefined && manager.length > 128) {
    throw new ApiError(422, 'Invalid', `fieldManager: Too long: may not be more than 128 bytes`);
  }
  const force = bool(params.get('force'));
  return {
    ...(manager !== undefined ? { manager } : {}),
    ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
    ...(dryRun.length > 0 ? { dryRun: true } : {}),
    ...(force !== undefined ? { force } : {}),
  };
}

function patchTypeOf(contentType: string): PatchType {
  const media = contentType.split(';')[0]?.trim() ?? '';
  switch (media) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+json':
      return 'apply';
    default:
      throw unsupportedMediaType();
  }
}

function scaleOf(type: ResourceType, target: KubeObject): Obj {
  const spec = (target.spec ?? {}) as Obj;
  const status = (target.status ?? {}) as Obj;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: target.metadata.name,
      namespace: target.metadata.namespace,
      uid: target.metadata.uid,
      resourceVersion: target.metadata.resourceVersion,
      creationTimestamp: target.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: {
      replicas: type.kind === 'Deployment' || type.kind === 'ReplicaSet' ? Number(status.replicas ?? 0) : 0,
      selector: formatLabelSelector(spec.selector as LabelSelectorObject),
    },
  };
}

export class RestApi {
  constructor(private readonly context: RestContext) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const pretty = url.searchParams.get('pretty') === 'true';
    try {
      const injected = await this.context.faults.beforeRequest(method, url.pathname);
      if (injected) throw injected;
      await this.dispatch(request, response, url, method, pretty);
    } catch (error) {
      if (error instanceof ApiError) sendError(response, error);
      else {
        sendError(
          response,
          new ApiError(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`, {
            causes: [{ message: (error as Error).message }],
          }),
        );
      }
    }
  }

  /** WebSocket upgrades: port-forward only (exec and attach are not served). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const target = route(url.pathname);
    const refuse = (error: ApiError) => {
      const body = JSON.stringify(error.toStatus());
      socket.end(
        `HTTP/1.1 ${error.code} ${error.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    };
    const check = (injected: ApiError | undefined): ApiError | undefined => {
      if (injected) return injected;
      if (
        target?.type.kind !== 'Pod' ||
        target.subresource !== 'portforward' ||
        !target.name ||
        !target.namespace
      )
        return resourceNotFound();
      const pod = this.context.cluster.find(target.type, target.namespace, target.name);
      if (!pod) return notFound({ resource: 'pods', group: '' }, target.name);
      if (!(pod.spec as Obj | undefined)?.nodeName)
        return badRequest(`pod ${target.name} does not have a host assigned`);
      const ports = parsePorts(url.searchParams);
      if (ports.length === 0 || ports.some(port => !Number.isInteger(port) || port < 1 || port > 65535)) {
        return badRequest('port-forward: invalid or missing "ports" query parameter');
      }
      servePortForward(
        request,
        socket,
        head,
        this.context.kubelet,
        { namespace: target.namespace, name: target.name },
        ports,
      );
      return undefined;
    };
    void this.context.faults.beforeRequest('GET', url.pathname).then(injected => {
      const refused = check(injected);
      if (refused) refuse(refused);
    });
  }

  private async dispatch(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    method: string,
    pretty: boolean,
  ): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const discovery = this.discovery(path);
    if (discovery !== undefined) {
      if (method !== 'GET') throw methodNotAllowed();
      sendJson(response, 200, discovery, pretty);
      return;
    }
    const target = route(path);
    if (!target) throw resourceNotFound();
    const params = url.searchParams;
    const { type, namespace, name, subresource } = target;
    const cluster = this.context.cluster;
    const verbs = subresource ? (type.subresources[subresource]?.verbs ?? []) : type.verbs;
    const allowed = (verb: string) => {
      if (!verbs.includes(verb)) throw methodNotAllowed();
    };
    const clusterScopedName = type.namespaced ? namespace : undefined;

    if (subresource === 'log') {
      if (method !== 'GET') throw methodNotAllowed();
      serveLogs(
        request,
        response,
        this.context.kubelet,
        this.context.faults,
        { namespace: namespace ?? '', name: name ?? '' },
        parseLogQuery(params),
      );
      return;
    }
    if (subresource === 'portforward') throw badRequest('Upgrade request required');
    if (type.namespaced && name !== undefined && namespace === undefined) throw resourceNotFound();

    if (method === 'GET' && (name === undefined || target.watchPrefix)) {
      const watching = target.watchPrefix || bool(params.get('watch')) === true;
      if (watching) {
        allowed('watch');
        const timeout = params.get('timeoutSeconds');
        serveWatch(
          request,
          response,
          this.context.store,
          this.context.faults,
          {
            type,
            namespace: clusterScopedName,
            labelSelector: params.get('labelSelector'),
            fieldSelector:
              name !== undefined
                ? `metadata.name=${name}${params.get('fieldSelector') ? `,${params.get('fieldSelector') ?? ''}` : ''}`
                : params.get('fieldSelector'),
            resourceVersion: params.get('resourceVersion'),
            timeoutSeconds: timeout !== null && timeout !== '' ? Number(timeout) : undefined,
            allowWatchBookmarks: bool(params.get('allowWatchBookmarks')) === true,
            sendInitialEvents: bool(params.get('sendInitialEvents')),
          },
          this.context.watchTiming,
          error => sendError(response, error),
        );
        return;
      }
      allowed('list');
      const requested = params.get('resourceVersion');
      if (
        requested &&
        requested !== '0' &&
        params.get('resourceVersionMatch') === 'Exact' &&
        Number(requested) < this.context.store.oldestResourceVersion
      ) {
        throw new ApiError(410, 'Expired', `The resourceVersion for the provided list is too old.`);
      }
      await this.waitForResourceVersion(requested);
      const limit = params.get('limit');
      const result = cluster.list(type, clusterScopedName, {
        labelSelector: params.get('labelSelector'),
        fieldSelector: params.get('fieldSelector'),
        ...(limit ? { limit: Number(limit) } : {}),
        continueToken: params.get('continue'),
      });
      sendJson(
        response,
        200,
        {
          kind: `${type.kind}List`,
          apiVersion: apiVersionOf(type),
          metadata: {
            resourceVersion: result.resourceVersion,
            ...(result.continueToken
              ? { continue: result.continueToken, remainingItemCount: result.remainingItemCount }
              : {}),
          },
          items: result.items.map(withoutTypeMeta),
        },
        pretty,
      );
      return;
    }

    if (method === 'GET') {
      allowed('get');
      const found = cluster.get(type, clusterScopedName, name ?? '');
      sendJson(
        response,
        200,
        subresource === 'scale' ? scaleOf(type, found) : withTypeMeta(type, found),
        pretty,
      );
      return;
    }

    if (method === 'POST') {
      if (name !== undefined) throw methodNotAllowed();
      allowed('create');
      const body = decodeBody(await readBody(request), request.headers['content-type'] ?? '');
      const result = cluster.create(type, clusterScopedName, body, writeOptions(request, params));
      sendJson(response, 201, withTypeMeta(type, result.object), pretty, warningHeaders(result.warnings));
      return;
    }

    if (method === 'PUT') {
      if (name === undefined) throw methodNotAllowed();
      allowed('update');
      const body = decodeBody(await readBody(request), request.headers['content-type'] ?? '');
      const options = writeOptions(request, params);
      if (subresource === 'scale') {
        const result = this.writeScale(type, clusterScopedName, name, body, options);
        sendJson(response, 200, scaleOf(type, result), pretty);
        return;
      }
      const result = cluster.update(type, clusterScopedName, name, body, {
        ...options,
        ...(subresource === 'status' ? { subresource: 'status' as const } : {}),
      });
      sendJson(response, 200, withTypeMeta(type, result.object), pretty, warningHeaders(result.warnings));
      return;
    }

    if (method === 'PATCH') {
      if (name === undefined) throw methodNotAllowed();
      allowed('patch');
      const patchType = patchTypeOf(request.headers['content-type'] ?? '');
      const body = await readBody(request);
      const options = writeOptions(request, params);
      if (subresource === 'scale') {
        const current = scaleOf(type, cluster.get(type, clusterScopedName, name));
        const patched = patchType === 'apply' ? current : this.patchScale(current, patchType, body);
        const result = this.writeScale(type, clusterScopedName, name, patched, options);
        sendJson(response, 200, scaleOf(type, result), pretty);
        return;
      }
      const result = cluster.patch(type, clusterScopedName, name, patchType, body, {
        ...options,
        ...(subresource === 'status' ? { subresource: 'status' as const } : {}),
      });
      sendJson(
        response,
        result.created ? 201 : 200,
        withTypeMeta(type, result.object),
        pretty,
        warningHeaders(result.warnings),
      );
      return;
    }

    if (method === 'DELETE') {
      if (subresource) throw methodNotAllowed();
      const text = await readBody(request);
      const body = text.trim() ? (decodeBody(text, 'application/json') as Obj) : {};
      const options: DeleteOptions = {};
      const propagation =
        params.get('propagationPolicy') ??
        (typeof body.propagationPolicy === 'string' ? body.propagationPolicy : undefined);
      if (propagation !== undefined) {
        if (propagation !== 'Foreground' && propagation !== 'Background' && propagation !== 'Orphan') {
          throw new ApiError(
            422,
            'Invalid',
            `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${propagation}": supported values: "Foreground", "Background", "Orphan"`,
          );
        }
        options.propagationPolicy = propagation;
      }
      if (bool(params.get('orphanDependents')) === true || body.orphanDependents === true)
        options.propagationPolicy = 'Orphan';
      const grace =
        params.get('gracePeriodSeconds') ??
        (typeof body.gracePeriodSeconds === 'number' ? String(body.gracePeriodSeconds) : null);
      if (grace !== null) options.gracePeriodSeconds = Number(grace);
      if (typeof body.preconditions === 'object' && body.preconditions !== null)
        options.preconditions = body.preconditions;
      if (params.getAll('dryRun').length > 0 || (Array.isArray(body.dryRun) && body.dryRun.length > 0))
        options.dryRun = true;
      if (name === undefined) {
        allowed('deletecollection');
        const matching = cluster.list(type, clusterScopedName, {
          labelSelector: params.get('labelSelector'),
          fieldSelector: params.get('fieldSelector'),
        });
        for (const item of matching.items) {
          try {
            cluster.delete(type, item.metadata.namespace, item.metadata.name ?? '', options);
          } catch (error) {
            if (!(error instanceof ApiError && error.code === 404)) throw error;
          }
        }
        sendJson(
          response,
          200,
          { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' },
          pretty,
        );
        return;
      }
      allowed('delete');
      const result = cluster.delete(type, clusterScopedName, name, options);
      sendJson(
        response,
        200,
        result.kind === 'deleted' ? result.status : withTypeMeta(type, result.object),
        pretty,
      );
      return;
    }
    throw methodNotAllowed();
  }

  private discovery(path: string): unknown {
    switch (path) {
      case '/api':
        return apiVersionsDocument(this.context.serverAddress);
      case '/api/v1':
        return apiResourceListDocument('', 'v1');
      case '/apis':
        return apiGroupListDocument();
      case '/version':
        return this.context.version;
    }
    const group = /^\/apis\/([^/]+)$/.exec(path);
    if (group) return apiGroupDocument(group[1] ?? '');
    const groupVersion = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (groupVersion) return apiResourceListDocument(groupVersion[1] ?? '', groupVersion[2] ?? '');
    return undefined;
  }

  /** A list at a resourceVersion the store has not reached yet waits up to 3 s, then 504. */
  private async waitForResourceVersion(requested: string | null): Promise<void> {
    const wanted = Number(requested);
    if (!requested || requested === '0' || !Number.isFinite(wanted)) return;
    const deadline = Date.now() + 3000;
    while (this.context.store.resourceVersion < wanted) {
      if (Date.now() >= deadline) {
        throw new ApiError(
          504,
          'Timeout',
          `Too large resource version: ${wanted}, current: ${this.context.store.resourceVersion}`,
          {
            causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
            retryAfterSeconds: 1,
          },
        );
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  private patchScale(current: Obj, patchType: PatchType, body: string): Obj {
    const patch = JSON.parse(body) as unknown;
    if (patchType === 'json' && Array.isArray(patch)) {
      const replicas = (patch as { op: string; path: string; value?: unknown }[]).find(
        operation => operation.path === '/spec/replicas',
      );
      return replicas ? { ...current, spec: { replicas: replicas.value } } : current;
    }
    const spec = ((patch as Obj).spec ?? {}) as Obj;
    return spec.replicas !== undefined ? { ...current, spec: { replicas: spec.replicas } } : current;
  }

  private writeScale(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions,
  ): KubeObject {
    const replicas = ((body as Obj).spec as Obj | undefined)?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(
        422,
        'Invalid',
        `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      );
    }
    const current = this.context.cluster.get(type, namespace, name);
    const next = structuredClone(current);
    next.spec = { ...((next.spec ?? {}) as Obj), replicas };
    return this.context.cluster.update(type, namespace, name, next, { ...options, subresource: 'scale' })
      .object;
  }
}
