import { defineConfig } from 'vitest/config'

export default defineConfig({
  // graphql ships both ESM and CJS builds; Mercurius loads the CJS one, and a schema built with the
  // other copy is rejected ("from another module or realm"), so tests use the copy Node itself picks.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './tests/unfinished-reporter.ts'],
  },
})
