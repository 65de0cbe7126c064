import { defineConfig } from "vitest/config"

// Property tests run hundreds of cases: on a busy two-core CI machine they need more than the default 5 s.
export default defineConfig({ test: { include: ["src/**/*.test.ts"], testTimeout: 60_000 } })
