import { overallHealth, type AppState } from '../../common/state';

/**
 * Which window the app opens when it starts: the onboarding while the one-click install has
 * never completed (and the user has not left it for the control room), the control room when
 * the user launched the app, nothing when macOS started it at login with the sandbox set up.
 * The onboarding is the same window: its renderer shows the onboarding until the install completes.
 */
export type FirstWindow = 'onboarding' | 'control-room' | 'none';

export interface LaunchContext {
  /** macOS started Clawbar at login (app.getLoginItemSettings().wasOpenedAtLogin). */
  openedAtLogin: boolean;
}

export function firstWindow(state: AppState, launch: LaunchContext): FirstWindow {
  // Never set up: the user has to see where to start, even at login.
  if (state.install.completedAt === null && !state.install.onboardingDismissed) return 'onboarding';
  if (overallHealth(state) === 'not-installed') return 'control-room';
  // Started with the session: a menu-bar app stays in the menu bar until it is clicked.
  if (launch.openedAtLogin) return 'none';
  return 'control-room';
}
