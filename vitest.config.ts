import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests' local floors go to a cache of their own (made on first use), not the user's ~/.cache.
    env: { DELTABENCH_FLOOR_CACHE: join(tmpdir(), 'deltabench-floor-cache-tests') },
    reporters: ['default', './test/closing-line-reporter.ts'],
  },
})
