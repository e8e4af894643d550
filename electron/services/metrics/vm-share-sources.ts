import { access, readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';

import { KubeConfig, Metrics } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';

import { redactor } from '../platform/redact';
import { vmInstanceName } from '../vm/vm-presence';
import { singleSource, type MetricsSource } from './collector';
import { MetricsParseError } from './parse-error';
import { parseOutcome } from './parse-outcome';
import { parseKubernetesQuantity, parseRamSize } from './parse-quantity';
import { failure } from './readings';

/** The namespace OpenClaw runs in (SANDBOX.md). */
export const openclawNamespace = 'openclaw';

/**
 * The VM's configured memory, from the `memory:` of Clawbar's Lima instance. Lima's own default
 * applies when the field is absent: min(4 GiB, half the host's RAM).
 */
export function vmConfigSource(limaHome: string, hostMemoryBytes = totalmem()): MetricsSource {
  const file = join(limaHome, vmInstanceName, 'lima.yaml');
  return singleSource(
    'vmConfig',
    'lima.yaml',
    async () => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          return failure({ code: 'vm-not-created', message: `No Lima instance at ${file}` });
        return failure({
          code: 'metrics-source-failed',
          message: `lima.yaml: ${(error as Error).message}`,
          params: { source: 'lima.yaml', message: (error as Error).message },
        });
      }
      return parseOutcome('lima.yaml', () => {
        let config: unknown;
        try {
          config = parseYaml(text);
        } catch (error) {
          // First line only, redacted: the template's params may hold a token the error would quote.
          throw new MetricsParseError(
            `not YAML: ${redactor.text((error as Error).message.split('\n')[0] ?? '')}`,
          );
        }
        const memory = (config as { memory?: unknown } | null)?.memory;
        if (memory === undefined || memory === null)
          return Math.min(4 * 2 ** 30, Math.floor(hostMemoryBytes / 2));
        return parseRamSize(memory);
      });
    },
    { periodMs: 10_000 },
  );
}

/** Memory the OpenClaw pods use, summed over their containers, from the cluster's metrics API (metrics-server). */
export function podMemorySource(kubeconfigPath: string, namespace = openclawNamespace): MetricsSource {
  // The kubeconfig holds credentials: whatever the client says goes through the redactor first.
  const unavailable = (detail: string) => {
    const message = redactor.text(detail);
    return failure({
      code: 'metrics-cluster-unavailable',
      message: `metrics API: ${message}`,
      params: { message },
    });
  };
  return singleSource(
    'podMemory',
    'metrics-api',
    async signal => {
      const present = await access(kubeconfigPath).then(
        () => true,
        () => false,
      );
      if (!present) return unavailable('no kubeconfig yet (the cluster has not been set up)');
      const config = new KubeConfig();
      try {
        config.loadFromFile(kubeconfigPath);
      } catch (error) {
        // The first line only: YAML errors go on to quote the offending lines, credentials included.
        return unavailable(`unreadable kubeconfig: ${(error as Error).message.split('\n')[0] ?? ''}`);
      }
      let list: Awaited<ReturnType<Metrics['getPodMetrics']>>;
      try {
        // The client takes no signal: the collector's deadline bounds the wait, this stops the result.
        list = await new Metrics(config).getPodMetrics(namespace);
        signal.throwIfAborted();
      } catch (error) {
        return unavailable(describe(error));
      }
      return parseOutcome('metrics-api', () => {
        if (!Array.isArray(list.items)) throw new MetricsParseError('PodMetricsList without items');
        return list.items
          .flatMap(pod => (Array.isArray(pod.containers) ? pod.containers : []))
          .reduce((sum, container) => {
            const memory: unknown = (container.usage as { memory?: unknown } | undefined)?.memory;
            if (typeof memory !== 'string')
              throw new MetricsParseError(`container ${container.name} has no memory usage`);
            return sum + parseKubernetesQuantity(memory);
          }, 0);
      });
    },
    { periodMs: 15_000, retryMs: 15_000 },
  );
}

function describe(error: unknown): string {
  const record = error as { code?: unknown; message?: unknown; cause?: { code?: unknown } } | null;
  if (typeof record?.cause?.code === 'string') return record.cause.code;
  if (typeof record?.code === 'number') return `HTTP ${record.code}`;
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}
