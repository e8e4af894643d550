import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

import { expect, test } from './devhost';
import { enterControlRoom } from './enter-control-room';

/**
 * Accessibility of every page, in both themes, with axe (WCAG 2.x A and AA, colour contrast
 * included), against the real renderer and services. The screenshots of every page are taken by
 * control-room.spec.ts.
 */
const pages = ['Dashboard', 'Network', 'Logs', 'Models', 'Settings'] as const;

async function openPage(page: Page, name: (typeof pages)[number]): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Loading…' })).toHaveCount(0);
}

/** One line per problem: what rule, how bad, and which elements, so a failure says what to fix. */
function describeViolations(results: Awaited<ReturnType<AxeBuilder['analyze']>>): string[] {
  return results.violations.flatMap(violation =>
    violation.nodes.map(
      node =>
        `${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help} — ${node.target.join(' ')}`,
    ),
  );
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every page passes axe in the ${colorScheme} theme`, async ({ page, devhost }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto(devhost.url);
    const check = async (name: string): Promise<void> => {
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
        .analyze();
      expect.soft(describeViolations(results), `${name} (${colorScheme})`).toEqual([]);
    };
    await enterControlRoom(page, check);
    for (const name of pages) {
      await openPage(page, name);
      if (name === 'Dashboard') {
        // The live charts and readouts are part of the page: check them drawn, not waiting.
        await expect(page.locator('.live-chart canvas').first()).toBeVisible({ timeout: 15_000 });
      }
      await check(name);
    }
  });
}

test('the keyboard reaches every section and the page, with a visible focus ring', async ({
  page,
  devhost,
}) => {
  await page.goto(devhost.url);
  await enterControlRoom(page);
  await expect(page.getByRole('region', { name: 'Virtual machine' })).toBeVisible();
  // Start from the top of the document, as after opening the window.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const nav = page.getByRole('navigation', { name: 'Sections' });
  // Tab order follows the reading order: the sections first, top to bottom.
  const visited: string[] = [];
  for (const _section of pages) {
    await page.keyboard.press('Tab');
    visited.push(
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText.trim() ?? ''),
    );
  }
  expect(visited).toEqual([...pages]);
  const focused = nav.getByRole('button', { name: 'Settings' });
  await expect(focused).toBeFocused();
  const outline = await focused.evaluate(element => getComputedStyle(element).outlineStyle);
  expect(outline).not.toBe('none');

  // Enter opens the focused section; the next Tab goes into the page, not back to the top.
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await page.keyboard.press('Tab');
  const inPage = await page.evaluate(() => document.activeElement?.closest('main') !== null);
  expect(inPage).toBe(true);
});
