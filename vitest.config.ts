import { defineConfig } from 'vitest/config'

/**
 * Tests run in plain Node against the sources. This file also keeps Vitest from picking up vite.config.ts, whose
 * root is renderer/.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
})
