import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * Three projects: unit (node: pure logic, parsers, reducers), integration (node: services through
 * their real I/O path against the stand-ins in testing/), and dom (renderer components and store).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            '*.test.ts',
            'common/**/*.test.ts',
            'electron/**/*.test.ts',
            'testing/**/*.test.ts',
            'bench/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['electron/**/*.int.test.ts', 'testing/**/*.int.test.ts', 'scripts/**/*.int.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
          setupFiles: ['renderer/src/test-support/setup.ts'],
        },
      },
    ],
  },
});
