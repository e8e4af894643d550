import type { ComponentId, ComponentStatus } from '../../../common/state';

/** Clawbar's one Lima instance, in its private LIMA_HOME. */
export const vmInstanceName = 'clawbar';

/** What a status probe found: the components it knows about, each with its new status. */
export type ComponentUpdate = Partial<Record<ComponentId, Omit<ComponentStatus, 'since'>>>;
