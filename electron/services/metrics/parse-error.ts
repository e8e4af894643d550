/** Output a parser cannot read: the message says what was expected, for the log and the reason shown. */
export class MetricsParseError extends Error {
  override readonly name = 'MetricsParseError';
}

/** A finite number or undefined: one place that decides what counts as a number in tool output. */
export function finiteOrUndefined(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}

/** Rounds away binary floating-point noise ((1 − 0.0458) × 100 = 95.42000000000002). */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
