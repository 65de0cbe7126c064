/**
 * `npm run analyze`: the production build plus a bundle report (rollup-plugin-visualizer) in
 * bench-results/bundle.html: every chunk's modules, gzipped. How the first paint's imports are
 * found; the bench keeps the resulting number.
 */
import { visualizer } from "rollup-plugin-visualizer"
import { defineConfig, mergeConfig } from "vite"
import base from "./vite.config.js"

export default mergeConfig(
  base,
  defineConfig({ plugins: [visualizer({ filename: "../../bench-results/bundle.html", template: "treemap", gzipSize: true })] })
)
