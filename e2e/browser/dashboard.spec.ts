import { expect, test } from './devhost';
import { enterControlRoom } from './enter-control-room';

/** The Dashboard against the demo's stand-ins: live charts that draw and follow the window, and the cards' actions. */

test('the live charts draw the samples, name their current values, and follow the window’s size', async ({
  page,
  devhost,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(devhost.url);
  await enterControlRoom(page);
  const gpu = page.getByRole('figure', { name: /^GPU usage and power, last 5 min/ });
  await expect(gpu).toBeVisible();
  await expect(gpu).toHaveAccessibleName(/GPU usage \d+%/);
  // The caption carries the value the chart draws: the readout's, read in the same instant.
  const [readout, legend] = await page.evaluate(() => [
    document.querySelector('[data-readout="gpu.utilizationPct"] .readout-value')?.textContent,
    document.querySelector('.chart-figure .chart-legend li strong')?.textContent,
  ]);
  expect(legend).toBe(readout);

  const canvas = gpu.locator('canvas');
  // Something is drawn: the line and its fill leave pixels that are not the card's background.
  await expect
    .poll(
      () =>
        canvas.evaluate((element: HTMLCanvasElement) => {
          const context = element.getContext('2d');
          if (!context) return 0;
          const { data } = context.getImageData(0, 0, element.width, element.height);
          let inked = 0;
          for (let index = 3; index < data.length; index += 4) if ((data[index] ?? 0) > 0) inked++;
          return inked;
        }),
      { timeout: 15_000 },
    )
    .toBeGreaterThan(500);

  const wide = await canvas.evaluate(element => element.getBoundingClientRect().width);
  await page.setViewportSize({ width: 900, height: 900 });
  await expect
    .poll(() => canvas.evaluate(element => element.getBoundingClientRect().width))
    .toBeLessThan(wide);
  const figureWidth = await gpu.evaluate(element => element.getBoundingClientRect().width);
  const canvasWidth = await canvas.evaluate(element => element.getBoundingClientRect().width);
  expect(Math.abs(figureWidth - canvasWidth)).toBeLessThanOrEqual(1);
});

test('Ollama can be stopped and started from its card, and the health line says what is wrong', async ({
  page,
  devhost,
}) => {
  await page.goto(devhost.url);
  await enterControlRoom(page);
  await expect(
    page.getByRole('main').getByRole('status').filter({ hasText: 'OpenClaw is not installed yet' }),
  ).toContainText('Create the virtual machine to install OpenClaw.');
  const ollama = page.getByRole('region', { name: 'Ollama' });
  await expect(ollama.getByText('Running', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(ollama.getByText(/^Up /)).toBeVisible();
  await expect(ollama.getByText('Restarts: 0')).toBeVisible();
  await ollama.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(ollama.getByText('Stopped', { exact: true })).toBeVisible();
  await expect(ollama.getByRole('button', { name: 'Stop', exact: true })).toHaveCount(0);
  await ollama.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(ollama.getByText('Running', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Open OpenClaw' })).toBeDisabled();
});
