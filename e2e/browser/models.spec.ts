import { expect, test } from './devhost';
import { saveScreenshot } from './screenshot';

/**
 * The Models page against the demo world: the devhost's services spawn the stand-in
 * `ollama serve`, and everything below goes through the contract to it.
 */
test('manage local models: list, pull with progress, cancel, test, default, delete, fit', async ({
  page,
  devhost,
}) => {
  await page.goto(devhost.url);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Models' }).click();

  const ollama = page.getByRole('region', { name: 'Ollama' });
  await expect(ollama.getByText('Running')).toBeVisible({ timeout: 30_000 });
  await expect(ollama.getByText(/^Clawbar runs it on 127\.0\.0\.1:\d+\.$/)).toBeVisible();
  await expect(page.getByText(/Clawbar runs this server \(process \d+\)/)).toBeVisible();
  await expect(page.getByRole('region', { name: 'LM Studio' }).getByText('Running')).toBeVisible();

  const installed = page.getByRole('table', { name: 'Installed models' });
  await expect(installed.getByRole('row', { name: /llama3\.2:latest/ })).toContainText('Fits on the GPU');
  await expect(installed.getByRole('row', { name: /qwen3:8b/ })).toContainText('5.2 GB');
  await expect(page.getByText(/^Memory: 32 GB unified; GPU limit 21\.3 GB/)).toBeVisible();

  // Pull a small model by name: it finishes and appears.
  await page.getByLabel('Pull a model by name').fill('smollm2:135m');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  await expect(page.getByText('smollm2:135m is ready.')).toBeVisible({ timeout: 20_000 });
  await expect(installed.getByRole('row', { name: /smollm2:135m/ })).toBeVisible();

  // Pull a bigger recommended one, watch its progress, cancel it.
  await page.getByRole('button', { name: 'Pull qwen3:4b' }).click();
  const progress = page.getByRole('progressbar', { name: 'Pulling qwen3:4b' });
  await expect(progress).toBeVisible();
  await expect(page.locator('[data-pull="qwen3:4b"]')).toContainText(
    /Downloading · \d+% · [\d.]+ (MB|GB) \/ 2\.5 GB/,
  );
  await page.getByRole('button', { name: 'Cancel qwen3:4b' }).click();
  await expect(page.getByText('Pulling qwen3:4b was cancelled.')).toBeVisible();
  await expect(progress).toHaveCount(0);

  // Speed test: tokens/s from the server's counters, and the model is now loaded on the "GPU".
  await page.getByRole('button', { name: 'Test speed qwen3:8b' }).click();
  await expect(page.getByText(/^qwen3:8b: 44\.8 tokens\/s/)).toBeVisible({ timeout: 20_000 });
  await expect(
    page.getByRole('table', { name: 'Loaded in memory' }).getByRole('row', { name: /qwen3:8b/ }),
  ).toContainText('on the GPU');

  // Make llama3.2 OpenClaw's default.
  await installed
    .getByRole('row', { name: /llama3\.2:latest/ })
    .getByRole('button', { name: 'Use for OpenClaw' })
    .click();
  await expect(installed.getByRole('row', { name: /llama3\.2:latest/ })).toContainText('Default');

  // Delete, with confirmation.
  await page.getByRole('button', { name: 'Delete smollm2:135m' }).click();
  await expect(page.getByText(/^Delete smollm2:135m\? This frees 270\.9 MB of disk space\.$/)).toBeVisible();
  await page.getByRole('group', { name: 'Delete' }).getByRole('button', { name: 'Delete' }).click();
  await expect(installed.getByRole('row', { name: /smollm2:135m/ })).toHaveCount(0);

  await saveScreenshot(page, 'models-demo.png');
});

test('the server can be stopped and started from the page', async ({ page, devhost }) => {
  await page.goto(devhost.url);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Models' }).click();
  const ollama = page.getByRole('region', { name: 'Ollama' });
  await expect(ollama.getByText('Running')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(ollama.getByText('Stopped')).toBeVisible();
  await expect(page.getByText('Start Ollama to see and manage its models.')).toBeVisible();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(ollama.getByText('Running')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('table', { name: 'Installed models' })).toBeVisible();
});
