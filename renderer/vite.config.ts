import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The renderer's build, shared by electron-vite (for the app) and by `npm run build:renderer`
 * (for the devhost and the browser e2e tests), so both serve the same bundle.
 */
export const rendererConfig: UserConfig = {
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(root, '../out/renderer'),
    emptyOutDir: true,
    target: 'chrome140',
    sourcemap: true,
    reportCompressedSize: false,
    rolldownOptions: { input: resolve(root, 'index.html') },
  },
};

export default defineConfig(rendererConfig);
