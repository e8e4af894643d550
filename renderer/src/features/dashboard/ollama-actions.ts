import type { ComponentStatus, LlmState } from '../../../../common/state';

export type OllamaAction = 'start' | 'restart' | 'stop';

/**
 * What the user may do with the Ollama server: start it when it is down and a binary exists;
 * restart and stop only the server Clawbar runs (an adopted one belongs to whoever started it).
 */
export function ollamaActions(status: ComponentStatus, llm: LlmState['ollama']): OllamaAction[] {
  const actions: OllamaAction[] = [];
  if (['stopped', 'crashed', 'error'].includes(status.state) && llm.binary !== null) actions.push('start');
  if (llm.ownership === 'owned') actions.push('restart', 'stop');
  return actions;
}
