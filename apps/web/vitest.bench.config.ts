import { defineConfig } from "vitest/config"

/** `npm run bench`: runs the client benchmark with vitest as its loader; it measures, it asserts nothing. */
export default defineConfig({
  test: {
    include: ["bench/**/*.bench-run.ts"],
    setupFiles: ["fake-indexeddb/auto"],
    testTimeout: 600_000,
    pool: "forks",
    // One benchmark at a time: on a small machine, two would measure each other.
    fileParallelism: false
  }
})
