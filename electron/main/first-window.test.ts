import { describe, expect, it } from 'vitest';

import type { AppState } from '../../common/state';
import { firstWindow } from './first-window';
import { notInstalledState, runningState, stoppedState } from './test-support/app-states';

function neverInstalled(state: AppState, dismissed = false): AppState {
  return { ...state, install: { ...state.install, completedAt: null, onboardingDismissed: dismissed } };
}

describe('firstWindow', () => {
  it('a first run opens the onboarding, even when launched at login', () => {
    expect(firstWindow(neverInstalled(notInstalledState()), { openedAtLogin: false })).toBe('onboarding');
    expect(firstWindow(neverInstalled(notInstalledState()), { openedAtLogin: true })).toBe('onboarding');
  });

  it('once the user left the onboarding, a missing sandbox opens the control room', () => {
    expect(firstWindow(neverInstalled(notInstalledState(), true), { openedAtLogin: true })).toBe(
      'control-room',
    );
  });

  it('a launch at login stays in the menu bar', () => {
    expect(firstWindow(runningState(), { openedAtLogin: true })).toBe('none');
    expect(firstWindow(stoppedState(), { openedAtLogin: true })).toBe('none');
  });

  it('a launch by the user opens the control room', () => {
    expect(firstWindow(runningState(), { openedAtLogin: false })).toBe('control-room');
    expect(firstWindow(stoppedState(), { openedAtLogin: false })).toBe('control-room');
  });
});
