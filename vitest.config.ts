import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two forks even on two cores: most long tests wait on child processes (real tools, CLI runs), so the
    // default (cores - 1 = one fork here) leaves a core idle: npm test took 19.5 min with one fork and 14.7 min with two, here.
    maxWorkers: 2,
    // Two forks share two cores: a real-tool test that takes 40-56 s alone came within a few seconds of 60 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Tests' local floors go to a cache of their own in the checkout's git-ignored .cache/ (made on first use),
    // not the user's ~/.cache and not the temp dir, which runs and tests leave as they found it.
    env: { DELTABENCH_FLOOR_CACHE: fileURLToPath(new URL('.cache/local-floor-tests', import.meta.url)) },
    reporters: ['default', './test/closing-line-reporter.ts'],
  },
})
