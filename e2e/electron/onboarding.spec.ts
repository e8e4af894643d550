import { expect, test } from '@playwright/test';

import { firstWindowChoice, launchClawbar } from './launch';

// A first run opens the onboarding at once: the welcome screen, where the one-click install starts.
test('a first run opens the onboarding window at once', async () => {
  const app = await launchClawbar();
  try {
    const page = await app.firstWindow();
    await expect.poll(() => firstWindowChoice(app)).toBe('onboarding');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page).toHaveTitle(/Clawbar/);
  } finally {
    await app.close();
  }
});
