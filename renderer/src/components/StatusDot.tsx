import type { ComponentState, OverallHealth } from '../../../common/state';

/** Colour follows the state; the text beside it always says the same thing (never colour alone). */
const toneOfState: Record<ComponentState, Tone> = {
  unknown: 'neutral',
  'not-installed': 'neutral',
  'not-created': 'neutral',
  stopped: 'neutral',
  starting: 'progress',
  stopping: 'progress',
  running: 'good',
  degraded: 'warning',
  error: 'bad',
  crashed: 'bad',
};

const toneOfHealth: Record<OverallHealth, Tone> = {
  running: 'good',
  starting: 'progress',
  degraded: 'warning',
  stopped: 'neutral',
  'not-installed': 'neutral',
  error: 'bad',
};

type Tone = 'good' | 'warning' | 'bad' | 'progress' | 'neutral';

export function StatusDot({ state }: { state: ComponentState }) {
  return <span className={`dot dot-${toneOfState[state]}`} aria-hidden="true" />;
}

export function HealthDot({ health }: { health: OverallHealth }) {
  return <span className={`dot dot-${toneOfHealth[health]}`} aria-hidden="true" />;
}
