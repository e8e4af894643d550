import { describe, expect, it } from 'vitest';

import { ClawbarError, isClawbarError } from '../../../common/errors';
import type { ClusterOperation } from '../../../common/sandbox';
import { gatewayTokenKey, secretNames, type SecretName } from '../../../common/secrets';
import { createLogger } from '../platform/log';
import type { SecretStore } from '../platform/secret-store';
import { SecretsService, type SecretsCluster } from './secrets-service';

/** The Keychain's behaviour, in memory (the real store is tested against the stand-in tool). */
class MemoryStore implements SecretStore {
  readonly items = new Map<SecretName, string>();
  writes = 0;

  get(name: SecretName): Promise<string | undefined> {
    return Promise.resolve(this.items.get(name));
  }
  set(name: SecretName, value: string): Promise<void> {
    this.writes++;
    this.items.set(name, value);
    return Promise.resolve();
  }
  delete(name: SecretName): Promise<boolean> {
    return Promise.resolve(this.items.delete(name));
  }
  names(): Promise<SecretName[]> {
    return Promise.resolve(secretNames.filter(name => this.items.has(name)));
  }
}

function operation(
  status: ClusterOperation['status'],
  error: ClusterOperation['error'] = null,
): ClusterOperation {
  return {
    id: 'op',
    kind: 'secrets',
    target: 'gateway',
    status,
    progress: null,
    error,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
  };
}

function setup(cluster: Partial<SecretsCluster> & { pushes?: Record<string, string>[] } = {}) {
  const store = new MemoryStore();
  const lines: string[] = [];
  const log = createLogger({
    sinks: [{ write: line => lines.push(line), flush: () => Promise.resolve() }],
    level: 'debug',
  });
  const pushes = cluster.pushes ?? [];
  const service = new SecretsService({
    store,
    log,
    busyRetryMs: 5,
    cluster: {
      installed: () => true,
      busy: () => false,
      updateSecret: values => {
        pushes.push({ ...values });
        return Promise.resolve(operation('succeeded'));
      },
      ...cluster,
    },
  });
  return { store, service, lines, pushes };
}

const openai = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD';

describe('SecretsService', () => {
  it('stores a trimmed key, answers with names only, and pushes the token and the keys to the sandbox', async () => {
    const { service, store, pushes } = setup();
    expect(await service.set('OPENAI_API_KEY', `  ${openai}\n`)).toEqual(['OPENAI_API_KEY']);
    expect(store.items.get('OPENAI_API_KEY')).toBe(openai);
    await service.whenSynced();
    expect(pushes).toHaveLength(1);
    const token = store.items.get(gatewayTokenKey);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(pushes[0]).toEqual({ [gatewayTokenKey]: token, OPENAI_API_KEY: openai });

    expect(await service.delete('OPENAI_API_KEY')).toEqual([gatewayTokenKey]);
    await service.whenSynced();
    expect(pushes[1]).toEqual({ [gatewayTokenKey]: token });
    // The token is generated once, never rotated by a later push.
    expect(store.items.get(gatewayTokenKey)).toBe(token);
  });

  it('refuses a value that cannot work, with the reasons and without the value', async () => {
    const { service, store, lines } = setup();
    const error = await service
      .set('OPENAI_API_KEY', `${openai}\nsecond-line-SECRET`)
      .catch((reason: unknown) => reason);
    expect(isClawbarError(error)).toBe(true);
    const refused = error as ClawbarError;
    expect(refused.code).toBe('secrets-value-invalid');
    expect(refused.issues).toEqual([
      { path: 'value', message: 'The key has a line break inside: paste only the key itself.' },
    ]);
    expect(refused.message).toBe(
      'The OpenAI key was not saved: The key has a line break inside: paste only the key itself.',
    );
    expect(JSON.stringify(refused)).not.toContain('SECRET');
    expect(store.writes).toBe(0);
    expect(lines.join('\n')).not.toContain('SECRET');
  });

  it('saves a key that only looks unusual (a warning is not a refusal)', async () => {
    const { service, store } = setup();
    await service.set('OPENAI_API_KEY', 'sk-ant-api03-this-is-an-anthropic-key-pasted-here');
    expect(store.items.has('OPENAI_API_KEY')).toBe(true);
  });

  it('does not touch the cluster when the sandbox is not installed; the install applies the keys itself', async () => {
    const pushes: Record<string, string>[] = [];
    const { service, store } = setup({ installed: () => false, pushes });
    await service.set('GROQ_API_KEY', `gsk_${'x'.repeat(52)}`);
    await service.whenSynced();
    expect(pushes).toEqual([]);
    expect(store.items.has(gatewayTokenKey)).toBe(false);
    expect(await service.clusterSecretValues()).toEqual({
      [gatewayTokenKey]: store.items.get(gatewayTokenKey),
      GROQ_API_KEY: `gsk_${'x'.repeat(52)}`,
    });
    expect(await service.hasGatewayToken()).toBe(true);
    expect(await service.hasProviderKey('GROQ_API_KEY')).toBe(true);
    expect(await service.hasProviderKey('OPENAI_API_KEY')).toBe(false);
    expect(await service.providerKeyNames()).toEqual(['GROQ_API_KEY']);
  });

  it('waits for another sandbox operation to finish, then pushes the latest keys once', async () => {
    let busy = true;
    const pushes: Record<string, string>[] = [];
    const { service } = setup({ busy: () => busy, pushes });
    await service.set('OPENAI_API_KEY', openai);
    await service.set('XAI_API_KEY', `xai-${'k'.repeat(60)}`);
    await new Promise(resolve => setTimeout(resolve, 30));
    expect(pushes).toEqual([]);
    busy = false;
    await service.whenSynced();
    expect(pushes).toHaveLength(1);
    expect(Object.keys(pushes[0] ?? {}).sort()).toEqual(['OPENAI_API_KEY', gatewayTokenKey, 'XAI_API_KEY']);
  });

  it('tries again when an operation starts in between (cluster-busy)', async () => {
    const pushes: Record<string, string>[] = [];
    let refusals = 1;
    const { service } = setup({
      pushes,
      updateSecret: values => {
        if (refusals-- > 0) return Promise.reject(new ClawbarError('cluster-busy', 'A restart is running'));
        pushes.push({ ...values });
        return Promise.resolve(operation('succeeded'));
      },
    });
    await service.set('OPENAI_API_KEY', openai);
    await service.whenSynced();
    expect(pushes).toHaveLength(1);
  });

  it('logs a failed push without the values; the key stays saved', async () => {
    const { service, store, lines } = setup({
      updateSecret: () =>
        Promise.resolve(
          operation('failed', { code: 'cluster-rollout-failed', message: 'the gateway did not start' }),
        ),
    });
    await service.set('OPENAI_API_KEY', openai);
    await service.whenSynced();
    expect(store.items.get('OPENAI_API_KEY')).toBe(openai);
    const log = lines.join('\n');
    expect(log).toContain('The sandbox did not take the new keys');
    expect(log).toContain('cluster-rollout-failed');
    expect(log).not.toContain(openai);
    expect(log).not.toContain(store.items.get(gatewayTokenKey) ?? 'no token');
  });

  it('runs changes one at a time, in order', async () => {
    const { service, store } = setup({ installed: () => false });
    const results = await Promise.all([
      service.set('OPENAI_API_KEY', openai),
      service.delete('OPENAI_API_KEY'),
      service.set('OPENAI_API_KEY', `${openai}-2`),
    ]);
    expect(results).toEqual([['OPENAI_API_KEY'], [], ['OPENAI_API_KEY']]);
    expect(store.items.get('OPENAI_API_KEY')).toBe(`${openai}-2`);
  });

  it('removing a key that is not set is not an error and pushes nothing', async () => {
    const pushes: Record<string, string>[] = [];
    const { service } = setup({ pushes });
    expect(await service.delete('MISTRAL_API_KEY')).toEqual([]);
    await service.whenSynced();
    expect(pushes).toEqual([]);
  });
});
