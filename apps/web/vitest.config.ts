import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/*.browser.test.ts"],
    setupFiles: ["fake-indexeddb/auto"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks"
  }
})
