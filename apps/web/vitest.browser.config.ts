import { defineConfig } from "vitest/config"

/** Browser tests: the system Chromium against the built app on the real server. */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.browser.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
    // A busy CI machine renders slower than a laptop: give every poll room.
    expect: { poll: { timeout: 15_000, interval: 50 } }
  }
})
