import { describe, expect, it } from 'vitest';

import { sampleAppState } from '../../test-support/fake-bridge';
import { ollamaActions } from './ollama-actions';

describe('ollamaActions', () => {
  const { ollama } = sampleAppState().llm;

  it('never offers to stop or restart a server Clawbar adopted', () => {
    expect(ollamaActions({ state: 'running' }, { ...ollama, ownership: 'adopted' })).toEqual([]);
  });

  it('restarts and stops the server Clawbar runs', () => {
    expect(ollamaActions({ state: 'running' }, { ...ollama, ownership: 'owned' })).toEqual([
      'restart',
      'stop',
    ]);
  });

  it('starts a server that is down, only if there is a binary to start', () => {
    expect(ollamaActions({ state: 'crashed' }, { ...ollama, ownership: 'none' })).toEqual(['start']);
    expect(ollamaActions({ state: 'stopped' }, { ...ollama, ownership: 'none', binary: null })).toEqual([]);
  });
});
