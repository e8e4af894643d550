import { randomBytes } from 'node:crypto';

import { gatewayTokenKey } from '../../../common/secrets';
import type { SecretStore } from '../platform/secret-store';

/** 32 random bytes as hex (SANDBOX.md: the Secret's gateway token). */
export const gatewayTokenBytes = 32;

const inFlight = new WeakMap<SecretStore, Promise<string>>();

/**
 * The gateway token: generated once, when the Keychain has none, and kept from then on. It is
 * never replaced behind the user's back: whatever the Keychain holds is what the gateway and the
 * Control UI use. Callers that ask at the same time share one generation.
 */
export function ensureGatewayToken(store: SecretStore): Promise<string> {
  const pending = inFlight.get(store);
  if (pending) return pending;
  const result = (async () => {
    const existing = await store.get(gatewayTokenKey);
    if (existing) return existing;
    const token = randomBytes(gatewayTokenBytes).toString('hex');
    await store.set(gatewayTokenKey, token);
    return token;
  })().finally(() => inFlight.delete(store));
  inFlight.set(store, result);
  return result;
}
