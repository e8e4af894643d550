import { z } from 'zod';

/**
 * The sandbox self-test (SANDBOX.md "Proving it"): a short-lived probe pod with the gateway's
 * labels tries each flow, and each probe says what was expected, what happened, and the evidence.
 */
export const selfTestProbeIds = [
  'direct-internet',
  'proxy-allowed',
  'proxy-denied',
  'local-models',
  'host-other-ports',
  'gateway-health',
] as const;
export type SelfTestProbeId = (typeof selfTestProbeIds)[number];

/** `not-testable`: the probe could not say (offline, for the allowlisted domain). */
export const probeOutcomes = ['allowed', 'blocked', 'ok', 'failed', 'not-testable'] as const;
export type ProbeOutcome = (typeof probeOutcomes)[number];

export const selfTestProbeSchema = z.object({
  id: z.enum(selfTestProbeIds),
  expected: z.enum(probeOutcomes),
  actual: z.enum(probeOutcomes),
  /** True when actual is expected, or `not-testable` where that is acceptable. */
  passed: z.boolean(),
  evidence: z.object({
    /** What ran, e.g. `nc -z -w 3 1.1.1.1 443`, or the request sent through the port-forward. */
    command: z.string(),
    exitCode: z.int().nullable(),
    /** What came back: Squid's status line, the HTTP status and body, the error. */
    output: z.string(),
  }),
});
export type SelfTestProbe = z.infer<typeof selfTestProbeSchema>;

export const selfTestReportSchema = z.object({
  probes: z.array(selfTestProbeSchema),
  passed: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type SelfTestReport = z.infer<typeof selfTestReportSchema>;

export const selfTestStateSchema = z.object({
  status: z.enum(['never', 'running', 'passed', 'failed', 'error']),
  /** The last complete report; kept while a new run goes on. */
  report: selfTestReportSchema.nullable(),
  /** Why the last run could not finish (no cluster, the probe pod could not start…). */
  error: z.string().nullable(),
});
export type SelfTestState = z.infer<typeof selfTestStateSchema>;
