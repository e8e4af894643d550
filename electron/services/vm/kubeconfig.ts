import { readFile, rm } from 'node:fs/promises';

import { parse, stringify } from 'yaml';
import { z } from 'zod';

import { ClawbarError } from '../../../common/errors';
import { writeFileAtomic } from '../platform/atomic-write';
import { redactor } from '../platform/redact';

/**
 * Clawbar's dedicated kubeconfig: the guest's k3s.yaml with the server rewritten to the forwarded
 * API port on 127.0.0.1 and every entry renamed `clawbar`, written 0600 in the app data dir. Every
 * service that talks to the cluster uses this file; ~/.kube/config is only touched on opt-in
 * (kubeconfig-merge.ts).
 */
export const clawbarKubeName = 'clawbar';

const namedCluster = z.looseObject({
  name: z.string(),
  cluster: z.looseObject({
    server: z.string(),
    'certificate-authority-data': z.string().optional(),
    'certificate-authority': z.string().optional(),
    'insecure-skip-tls-verify': z.boolean().optional(),
  }),
});
const namedUser = z.looseObject({
  name: z.string(),
  user: z.looseObject({
    'client-certificate-data': z.string().optional(),
    'client-key-data': z.string().optional(),
    token: z.string().optional(),
  }),
});
const namedContext = z.looseObject({
  name: z.string(),
  context: z.looseObject({ cluster: z.string(), user: z.string() }),
});
const kubeconfigSchema = z.looseObject({
  clusters: z.array(namedCluster).min(1),
  users: z.array(namedUser).min(1),
  contexts: z.array(namedContext).optional(),
  'current-context': z.string().optional(),
});

export interface ClawbarKubeconfig {
  cluster: Record<string, unknown>;
  user: Record<string, unknown>;
  yaml: string;
}

/** Turns the guest's kubeconfig into Clawbar's; refuses anything without usable credentials. */
export function prepareKubeconfig(guestYaml: string, apiPort: number): ClawbarKubeconfig {
  let json: unknown;
  try {
    json = parse(guestYaml);
  } catch (error) {
    throw new ClawbarError(
      'kubeconfig-invalid',
      `The guest kubeconfig is not YAML: ${(error as Error).message}`,
    );
  }
  const parsed = kubeconfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new ClawbarError('kubeconfig-invalid', 'The guest kubeconfig has no cluster or no user.');
  }
  const config = parsed.data;
  const context =
    config.contexts?.find(entry => entry.name === config['current-context']) ?? config.contexts?.[0];
  const cluster =
    config.clusters.find(entry => entry.name === context?.context.cluster) ?? config.clusters[0];
  const user = config.users.find(entry => entry.name === context?.context.user) ?? config.users[0];
  if (!cluster || !user)
    throw new ClawbarError('kubeconfig-invalid', 'The guest kubeconfig has no cluster or no user.');
  const credentials = user.user;
  const hasCertificate = !!credentials['client-certificate-data'] && !!credentials['client-key-data'];
  if (!hasCertificate && !credentials.token) {
    throw new ClawbarError(
      'kubeconfig-invalid',
      'The guest kubeconfig carries no client certificate and no token.',
    );
  }
  // The key and the token must never reach a log line, an error or a diagnostic.
  redactor.register(credentials['client-key-data']);
  redactor.register(credentials.token);
  redactor.register(credentials['client-certificate-data']);
  const server = new URL(cluster.cluster.server);
  server.hostname = '127.0.0.1';
  server.port = String(apiPort);
  const clusterEntry = { ...cluster.cluster, server: server.toString().replace(/\/$/, '') };
  const document = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clawbarKubeName, cluster: clusterEntry }],
    users: [{ name: clawbarKubeName, user: credentials }],
    contexts: [{ name: clawbarKubeName, context: { cluster: clawbarKubeName, user: clawbarKubeName } }],
    'current-context': clawbarKubeName,
    preferences: {},
  };
  return { cluster: clusterEntry, user: credentials, yaml: stringify(document, { lineWidth: 0 }) };
}

export async function writeKubeconfig(path: string, kubeconfig: ClawbarKubeconfig): Promise<void> {
  try {
    await writeFileAtomic(path, kubeconfig.yaml, 0o600);
  } catch (error) {
    throw new ClawbarError(
      'kubeconfig-write-failed',
      `Could not write ${path}: ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
}

/** Reads Clawbar's kubeconfig back (registering its secrets), or undefined when there is none. */
export async function readKubeconfig(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = kubeconfigSchema.safeParse(parse(text));
    if (parsed.success) {
      for (const user of parsed.data.users) {
        redactor.register(user.user['client-key-data']);
        redactor.register(user.user.token);
        redactor.register(user.user['client-certificate-data']);
      }
    }
  } catch {
    // Unreadable YAML: the caller's use of it fails with its own message.
  }
  return text;
}

export async function removeKubeconfig(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** The server port a kubeconfig points at (to notice a copy made for another port). */
export function serverPortOf(yamlText: string): number | undefined {
  try {
    const parsed = kubeconfigSchema.safeParse(parse(yamlText));
    const server = parsed.success ? parsed.data.clusters[0]?.cluster.server : undefined;
    return server ? Number(new URL(server).port) || undefined : undefined;
  } catch {
    return undefined;
  }
}
