import type { Page } from '@playwright/test';

import { expect } from './devhost';

/**
 * Gets to the control room with the first AppState in: a first run shows the onboarding then
 * (a fresh demo home has never installed), which this leaves, after running `check` on it (an
 * accessibility check, say). Both the onboarding and the Dashboard's health line wait for that
 * first AppState, so whichever appears is the settled answer, not a race.
 */
export async function enterControlRoom(page: Page, check?: (name: string) => Promise<void>): Promise<void> {
  const leave = page.getByRole('button', { name: 'Go to the control room' });
  const healthLine = page.locator('.health-line');
  await expect(leave.or(healthLine)).toBeVisible({ timeout: 15_000 });
  if (await leave.isVisible()) {
    await check?.('Onboarding');
    await leave.click();
  }
  await expect(healthLine).toBeVisible();
}
