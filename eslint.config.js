// @ts-check
/**
 * Lint for bugs, not style (Prettier owns the layout): promises nobody awaits or handles, async
 * functions where a callback's result is ignored, switches that miss a case, `any` without a
 * reason, and React hooks that read stale values. Type-aware: each package is checked with the
 * tsconfig that also covers its tests. A rule that is wrong for a line is disabled on that line,
 * with `-- why` after the rule name.
 */
import comments from "@eslint-community/eslint-plugin-eslint-comments"
import js from "@eslint/js"
import { defineConfig } from "eslint/config"
import reactHooks from "eslint-plugin-react-hooks"
import reactRefresh from "eslint-plugin-react-refresh"
import globals from "globals"
import tseslint from "typescript-eslint"

const packages = ["packages/shared", "packages/schema", "packages/migrations", "apps/server", "apps/web"]

export default defineConfig(
  { ignores: ["**/dist/**", "**/node_modules/**", "apps/server/drizzle/**", "test-output/**", "bench-results/**"] },

  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { "@eslint-community/eslint-comments": comments },
    rules: {
      "@eslint-community/eslint-comments/require-description": "error",
      "@eslint-community/eslint-comments/no-unlimited-disable": "error"
    }
  },

  js.configs.recommended,
  {
    rules: {
      "no-self-compare": "error",
      "no-template-curly-in-string": "error"
    }
  },

  {
    files: ["**/*.{ts,tsx}"],
    extends: [tseslint.configs.base, tseslint.configs.eslintRecommended],
    rules: {
      // Promises: a forgotten await, a rejection nobody sees, an async callback whose result is dropped.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/return-await": ["error", "error-handling-correctness-only"],
      // A new member of a union that a switch forgets.
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      // Values that do not mean what the code thinks.
      "@typescript-eslint/no-base-to-string": "error",
      "@typescript-eslint/no-misused-spread": "error",
      "@typescript-eslint/no-for-in-array": "error",
      "@typescript-eslint/no-array-delete": "error",
      "@typescript-eslint/no-implied-eval": "error",
      "@typescript-eslint/no-unsafe-unary-minus": "error",
      "@typescript-eslint/only-throw-error": "error",
      // `any` only with a comment saying why (STYLE.md); no dead code.
      "@typescript-eslint/no-explicit-any": "error",
      "no-unused-vars": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }]
    }
  },

  ...packages.map((dir) => ({
    files: [`${dir}/**/*.{ts,tsx}`],
    languageOptions: { parserOptions: { project: `${dir}/tsconfig.test.json`, tsconfigRootDir: import.meta.dirname } }
  })),

  // Configuration and scripts outside any tsconfig: no type information, so no type-aware rules.
  {
    files: ["**/*.{js,mjs}", "*.ts"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node }
  },

  {
    files: ["apps/web/src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error"
    }
  },
  {
    files: ["apps/web/src/**/*.tsx"],
    extends: [reactRefresh.configs.vite]
  }
)
