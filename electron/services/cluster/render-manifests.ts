import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { KubernetesObject } from '@kubernetes/client-node';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ILimitRange } from 'kubernetes-models/v1/LimitRange';
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { parseAllDocuments, type Document } from 'yaml';

import { ClawbarError } from '../../../common/errors';
import type { PolicyToggleId } from '../../../common/sandbox';
import { limaHostAlias } from '../llm/openclaw-providers';
import { sandboxNamespace } from './kube-connection';
import { schemaProblem } from './kube-schema';
import { renderSeedConfig } from './openclaw-seed-config';
import {
  clawbarLabels,
  gatewayTokenKey,
  localModelPorts,
  localModelsAccess,
  type Resources,
  type SandboxParams,
} from './sandbox-params';
import { renderSquidConfig, squidPort } from './squid-config';
import { syncDocument } from './yaml-sync';

/**
 * The sandbox's objects, rendered: the plain YAML of manifests/ (one object per file, listed in
 * kustomization.yaml) with the typed parameters patched in. The files say what the sandbox is;
 * this module changes only what the settings decide (images, resources, quota, allowlist, seed
 * config, provider keys, toggles, the Mac's address) and drops the policies of toggles that are
 * off. In development the files are the repository's manifests/; in the packaged app,
 * `<resources>/manifests`.
 */

export type SandboxObject = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

export const secretName = 'openclaw-secrets';
/** What the Secret holds in files and CLI output; the ClusterService puts the real values in. */
export const secretPlaceholder = '<set by Clawbar from the Keychain>';
export const seedConfigAnnotation = 'clawbar.openclaw.ai/seed-config-sha256';
export const squidConfigAnnotation = 'clawbar.openclaw.ai/squid-config-sha256';

/** The policies behind each toggle; default-deny and allow-dns are always applied. */
export const togglePolicies: Record<PolicyToggleId, readonly string[]> = {
  internet: ['gateway-to-proxy', 'proxy-from-gateway', 'proxy-to-internet'],
  'local-models': ['gateway-to-host-llm', 'proxy-to-host-llm'],
};
export const alwaysOnPolicies = ['default-deny', 'allow-dns'] as const;

/** Apply order: what others refer to first, and the network policies before the pods they confine. */
const kindOrder = [
  'Namespace',
  'ResourceQuota',
  'LimitRange',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'NetworkPolicy',
  'Service',
  'Deployment',
];
const clusterScoped = new Set(['Namespace', 'PersistentVolume']);

export interface ManifestTemplate {
  /** The file name in the manifests dir (`<kind>-<name>.yaml`). */
  file: string;
  document: Document;
  object: SandboxObject;
}

export interface ManifestSet {
  dir: string;
  kustomization: Document;
  templates: ManifestTemplate[];
}

export interface RenderedManifest {
  file: string;
  object: SandboxObject;
  /** The source document, to write the object back out with the file's comments. */
  template: Document;
}

export function manifestFileName(kind: string, name: string): string {
  return `${kind.toLowerCase()}-${name}.yaml`;
}

/** Every object of the sandbox as `Kind/name`: the manifests dir holds exactly these. */
export const sandboxObjectKeys = [
  'Namespace/openclaw',
  'ResourceQuota/openclaw',
  'LimitRange/openclaw',
  'ServiceAccount/openclaw-gateway',
  'ServiceAccount/egress-proxy',
  `Secret/${secretName}`,
  'ConfigMap/openclaw-seed-config',
  'ConfigMap/egress-proxy-config',
  'PersistentVolume/openclaw-state',
  'PersistentVolumeClaim/openclaw-state',
  ...[...alwaysOnPolicies, ...togglePolicies.internet, ...togglePolicies['local-models']].map(
    name => `NetworkPolicy/${name}`,
  ),
  'Service/openclaw-gateway',
  'Service/egress-proxy',
  'Deployment/egress-proxy',
  'Deployment/openclaw-gateway',
] as const;

/** Reads kustomization.yaml and every file it lists; refuses anything Clawbar would not apply as written. */
export async function loadManifestSet(dir: string): Promise<ManifestSet> {
  const kustomization = single(await readManifest(dir, 'kustomization.yaml'), 'kustomization.yaml');
  const resources = kustomizationResources(kustomization);
  const templates: ManifestTemplate[] = [];
  for (const file of resources) {
    const document = single(await readManifest(dir, file), file);
    const object: unknown = document.toJS();
    const problem = objectProblem(object, file);
    if (problem || !isNamedObject(object)) {
      throw new ClawbarError('manifests-invalid', `${join(dir, file)}: ${problem ?? 'not an object'}`);
    }
    templates.push({ file, document, object });
  }
  const present = templates.map(template => `${template.object.kind}/${template.object.metadata.name}`);
  const missing = sandboxObjectKeys.filter(key => !present.includes(key));
  const unexpected = present.filter(key => !(sandboxObjectKeys as readonly string[]).includes(key));
  const duplicated = present.filter((key, index) => present.indexOf(key) !== index);
  if (missing.length > 0 || unexpected.length > 0 || duplicated.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      unexpected.length > 0 ? `not part of the sandbox: ${unexpected.join(', ')}` : '',
      duplicated.length > 0 ? `listed twice: ${duplicated.join(', ')}` : '',
    ].filter(Boolean);
    throw new ClawbarError('manifests-invalid', `${join(dir, 'kustomization.yaml')}: ${parts.join('; ')}`);
  }
  return { dir, kustomization, templates };
}

/** The objects to apply for these parameters, in apply order. */
export function renderSandbox(set: ManifestSet, params: SandboxParams): RenderedManifest[] {
  const seedConfig = renderSeedConfig(params.openclaw);
  const squidConfig = renderSquidConfig({
    allowlist: params.allowlist,
    localModels: localModelsAccess(params),
    port: squidPort,
  });
  const context: RenderContext = { params, seedConfig, squidConfig };
  const rendered: RenderedManifest[] = [];
  for (const template of set.templates) {
    const patched = patchObject(structuredClone(template.object), context);
    if (!patched) continue;
    const problem = schemaProblem(patched);
    if (problem) {
      throw new ClawbarError(
        'manifests-invalid',
        `${patched.kind}/${patched.metadata.name} does not validate once rendered: ${problem}`,
      );
    }
    rendered.push({ file: template.file, object: patched, template: template.document });
  }
  return rendered.sort((a, b) => kindOrder.indexOf(a.object.kind) - kindOrder.indexOf(b.object.kind));
}

/** Loads the manifests dir and renders it: the plain objects, in apply order. */
export async function renderManifests(dir: string, params: SandboxParams): Promise<SandboxObject[]> {
  return renderSandbox(await loadManifestSet(dir), params).map(manifest => manifest.object);
}

export interface ManifestFiles {
  /** One file per object plus kustomization.yaml, with the source files' comments. */
  files: { file: string; content: string }[];
  /** Files of the manifests dir that this rendering leaves out (the policies of toggles that are off). */
  omitted: string[];
}

/** As the repository's formatter writes YAML: no folded lines, single quotes where quotes are needed. */
const yamlOptions = { lineWidth: 0, singleQuote: true } as const;

export function renderManifestFiles(set: ManifestSet, rendered: readonly RenderedManifest[]): ManifestFiles {
  const files = rendered.map(manifest => {
    const document = manifest.template.clone();
    syncDocument(document, manifest.object);
    return { file: manifest.file, content: document.toString(yamlOptions) };
  });
  const kustomization = set.kustomization.clone();
  kustomization.set(
    'resources',
    rendered.map(manifest => manifest.file),
  );
  files.push({ file: 'kustomization.yaml', content: kustomization.toString(yamlOptions) });
  const kept = new Set(rendered.map(manifest => manifest.file));
  return { files, omitted: set.templates.map(template => template.file).filter(file => !kept.has(file)) };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface RenderContext {
  params: SandboxParams;
  seedConfig: string;
  squidConfig: string;
}

function patchObject(object: SandboxObject, context: RenderContext): SandboxObject | null {
  const { params } = context;
  // Labels and namespace are enforced whatever the file says: uninstall and prune rely on them.
  object.metadata.labels = { ...object.metadata.labels, ...clawbarLabels };
  if (!clusterScoped.has(object.kind)) object.metadata.namespace = sandboxNamespace;
  const key = `${object.kind}/${object.metadata.name}`;
  switch (key) {
    case 'ResourceQuota/openclaw':
      return patchQuota(object as SandboxObject & IResourceQuota, params);
    case 'LimitRange/openclaw':
      return patchLimitRange(object as SandboxObject & ILimitRange, params);
    case `Secret/${secretName}`:
      return patchSecret(object as SandboxObject & ISecret, params);
    case 'ConfigMap/openclaw-seed-config':
      return withData(object as SandboxObject & IConfigMap, 'openclaw.json', context.seedConfig);
    case 'ConfigMap/egress-proxy-config':
      return withData(object as SandboxObject & IConfigMap, 'squid.conf', context.squidConfig);
    case 'PersistentVolume/openclaw-state':
      return patchStateVolume(object as SandboxObject & IPersistentVolume, params);
    case 'Deployment/openclaw-gateway':
      return patchGateway(object as SandboxObject & IDeployment, context);
    case 'Deployment/egress-proxy':
      return patchProxy(object as SandboxObject & IDeployment, context);
    default:
      return object.kind === 'NetworkPolicy'
        ? patchPolicy(object as SandboxObject & INetworkPolicy, params)
        : object;
  }
}

function patchQuota(quota: SandboxObject & IResourceQuota, params: SandboxParams): SandboxObject {
  quota.spec = {
    ...quota.spec,
    hard: {
      ...quota.spec?.hard,
      'requests.cpu': params.quota.requests.cpu,
      'requests.memory': params.quota.requests.memory,
      'limits.cpu': params.quota.limits.cpu,
      'limits.memory': params.quota.limits.memory,
      pods: String(params.quota.pods),
    },
  };
  return quota;
}

function patchLimitRange(range: SandboxObject & ILimitRange, params: SandboxParams): SandboxObject {
  const container = range.spec?.limits.find(limit => limit.type === 'Container');
  if (!container) throw invalid(range, 'has no limit of type Container');
  container.max = { ...params.quota.limits };
  return range;
}

function patchSecret(secret: SandboxObject & ISecret, params: SandboxParams): SandboxObject {
  delete secret.data;
  secret.stringData = Object.fromEntries(
    [gatewayTokenKey, ...params.secretKeys].map(key => [key, secretPlaceholder]),
  );
  return secret;
}

function withData(configMap: SandboxObject & IConfigMap, key: string, text: string): SandboxObject {
  configMap.data = { ...configMap.data, [key]: text };
  return configMap;
}

function patchStateVolume(volume: SandboxObject & IPersistentVolume, params: SandboxParams): SandboxObject {
  const spec = volume.spec;
  const expression = spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0];
  if (!spec?.hostPath || !expression) throw invalid(volume, 'needs a hostPath and a node affinity');
  spec.hostPath.path = params.stateDir;
  expression.values = [params.nodeName];
  return volume;
}

function patchPolicy(policy: SandboxObject & INetworkPolicy, params: SandboxParams): SandboxObject | null {
  const name = policy.metadata.name;
  if (togglePolicies.internet.includes(name) && !params.policies.internet) return null;
  if (togglePolicies['local-models'].includes(name)) {
    if (!params.policies.localModels) return null;
    // The rules to the Mac: its address, and the model servers' ports (LM Studio's when it is on).
    for (const rule of policy.spec?.egress ?? []) {
      if (!rule.to?.some(peer => peer.ipBlock)) continue;
      rule.to = [{ ipBlock: { cidr: `${params.hostAddress}/32` } }];
      rule.ports = localModelPorts(params).map(port => ({ protocol: 'TCP' as const, port }));
    }
  }
  return policy;
}

function patchGateway(deployment: SandboxObject & IDeployment, context: RenderContext): SandboxObject {
  const { params } = context;
  const spec = podSpecOf(deployment);
  const gateway = containerNamed(deployment, spec.containers, 'gateway');
  const seed = containerNamed(deployment, spec.initContainers ?? [], 'seed-config');
  gateway.image = params.images.openclaw;
  seed.image = params.images.busybox;
  gateway.resources = resourcesOf(params.gateway.resources);
  const env = gateway.env ?? [];
  const nodeOptions = env.find(variable => variable.name === 'NODE_OPTIONS');
  const token = env.findIndex(variable => variable.name === gatewayTokenKey);
  if (!nodeOptions || token === -1)
    throw invalid(deployment, `needs NODE_OPTIONS and ${gatewayTokenKey} in its env`);
  nodeOptions.value = `--max-old-space-size=${params.gateway.heapMiB}`;
  // The provider keys the user entered, by reference only, after the token.
  const providerKeys = params.secretKeys.map(key => ({
    name: key,
    valueFrom: { secretKeyRef: { name: secretName, key, optional: true } },
  }));
  gateway.env = [...env.slice(0, token + 1), ...providerKeys, ...env.slice(token + 1)];
  spec.hostAliases = [{ ip: params.hostAddress, hostnames: [limaHostAlias] }];
  setTemplateAnnotation(deployment, seedConfigAnnotation, sha256(context.seedConfig));
  return deployment;
}

function patchProxy(deployment: SandboxObject & IDeployment, context: RenderContext): SandboxObject {
  const spec = podSpecOf(deployment);
  containerNamed(deployment, spec.containers, 'squid').image = context.params.images.squid;
  spec.hostAliases = [{ ip: context.params.hostAddress, hostnames: [limaHostAlias] }];
  setTemplateAnnotation(deployment, squidConfigAnnotation, sha256(context.squidConfig));
  return deployment;
}

function podSpecOf(deployment: SandboxObject & IDeployment): IPodSpec {
  const spec = deployment.spec?.template.spec;
  if (!spec) throw invalid(deployment, 'has no pod template');
  return spec;
}

function containerNamed(owner: SandboxObject, containers: IContainer[], name: string): IContainer {
  const container = containers.find(candidate => candidate.name === name);
  if (!container) throw invalid(owner, `has no container "${name}"`);
  return container;
}

function setTemplateAnnotation(deployment: SandboxObject & IDeployment, key: string, value: string): void {
  const template = deployment.spec?.template;
  if (!template) throw invalid(deployment, 'has no pod template');
  template.metadata = {
    ...template.metadata,
    annotations: { ...template.metadata?.annotations, [key]: value },
  };
}

function resourcesOf(resources: Resources): IContainer['resources'] {
  return { requests: { ...resources.requests }, limits: { ...resources.limits } };
}

function invalid(object: SandboxObject, problem: string): ClawbarError {
  return new ClawbarError('manifests-invalid', `${object.kind}/${object.metadata.name} ${problem}`);
}

async function readManifest(dir: string, file: string): Promise<Document[]> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ClawbarError(
      code === 'ENOENT' ? 'manifests-missing' : 'manifests-invalid',
      `${join(dir, file)} cannot be read: ${(error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  const broken = documents.flatMap(document => document.errors);
  if (broken.length > 0) {
    throw new ClawbarError(
      'manifests-invalid',
      `${join(dir, file)} is not valid YAML: ${broken[0]?.message ?? ''}`,
    );
  }
  return documents;
}

function single(documents: Document[], file: string): Document {
  if (documents.length !== 1 || !documents[0]) {
    throw new ClawbarError(
      'manifests-invalid',
      `${file} must hold exactly one object, not ${documents.length}`,
    );
  }
  return documents[0];
}

/** Only `resources` (plain file names): anything else kustomize would apply that Clawbar does not. */
function kustomizationResources(kustomization: Document): string[] {
  const value = kustomization.toJS() as Record<string, unknown> | null;
  const allowed = new Set(['apiVersion', 'kind', 'resources']);
  const extra = Object.keys(value ?? {}).filter(key => !allowed.has(key));
  const resources = value?.resources;
  if (
    extra.length > 0 ||
    value?.kind !== 'Kustomization' ||
    !Array.isArray(resources) ||
    !resources.every(entry => typeof entry === 'string' && /^[a-z0-9.-]+\.yaml$/.test(entry))
  ) {
    throw new ClawbarError(
      'manifests-invalid',
      `kustomization.yaml must be a Kustomization listing only the sandbox's YAML files${
        extra.length > 0 ? ` (it also has ${extra.join(', ')})` : ''
      }`,
    );
  }
  return resources as string[];
}

function objectProblem(object: unknown, file: string): string | null {
  if (!isNamedObject(object)) return 'not a Kubernetes object with a kind and a name';
  const expected = manifestFileName(object.kind, object.metadata.name);
  if (file !== expected) return `holds ${object.kind}/${object.metadata.name}, which belongs in ${expected}`;
  return schemaProblem(object);
}

function isNamedObject(object: unknown): object is SandboxObject {
  const candidate = object as Partial<SandboxObject> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.kind === 'string' &&
    typeof candidate.apiVersion === 'string' &&
    typeof candidate.metadata?.name === 'string'
  );
}
