import { defineConfig } from '@playwright/test';

/**
 * Browser e2e: the real renderer and the real services through the devhost, in Debian's Chromium
 * (`npx playwright install` cannot download browsers here). Electron e2e: only where an Electron
 * binary exists; the specs skip with a message otherwise.
 */
export const chromiumPath = process.env.CLAWBAR_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  outputDir: 'test-results/playwright',
  reporter: [['list']],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  forbidOnly: !!process.env.CI,
  projects: [
    {
      name: 'browser',
      testDir: 'e2e/browser',
      use: {
        browserName: 'chromium',
        headless: true,
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
        trace: 'retain-on-failure',
        screenshot: 'only-on-failure',
      },
    },
    {
      name: 'electron',
      testDir: 'e2e/electron',
    },
  ],
});
