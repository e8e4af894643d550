import { z } from 'zod';

/**
 * Progress of any long operation (install, model pull, VM start): which step, how far, and a
 * line a person can read. `total` is absent while the size is unknown.
 */
export const progressSchema = z.object({
  step: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative().optional(),
  detail: z.string(),
});
export type Progress = z.infer<typeof progressSchema>;
