import { access } from 'node:fs/promises';
import { join } from 'node:path';

import type { ComponentId, ComponentStatus } from '../../../common/state';

export const vmInstanceName = 'clawbar';

export type ComponentUpdate = Partial<Record<ComponentId, Omit<ComponentStatus, 'since'>>>;

/**
 * Whether Clawbar's Lima instance exists in its private LIMA_HOME (Lima writes
 * `<LIMA_HOME>/<name>/lima.yaml` when it creates an instance). Without the VM nothing that lives in
 * it (k3s, the gateway, the proxy) can exist either.
 */
export async function probeVmPresence(limaHome: string): Promise<ComponentUpdate> {
  const instanceFile = join(limaHome, vmInstanceName, 'lima.yaml');
  const present = await access(instanceFile).then(
    () => true,
    () => false,
  );
  if (!present) {
    const needsVm = {
      state: 'not-created',
      reason: { code: 'needs-vm', message: 'The VM has not been created yet.' },
    } as const;
    return {
      vm: {
        state: 'not-created',
        reason: { code: 'vm-not-created', message: `No Lima instance at ${instanceFile}.` },
      },
      k3s: needsVm,
      gateway: needsVm,
      proxy: needsVm,
    };
  }
  return {
    vm: {
      state: 'unknown',
      reason: { code: 'vm-instance-present', message: `Lima instance found at ${instanceFile}.` },
    },
  };
}
