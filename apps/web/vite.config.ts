import react from "@vitejs/plugin-react"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vite"
import { VitePWA } from "vite-plugin-pwa"

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: "prompt",
      injectRegister: false,
      includeAssets: ["icons/apple-touch-icon.png"],
      manifest: {
        name: "Quire",
        short_name: "Quire",
        description: "Notes that work offline and sync end-to-end encrypted.",
        start_url: "/",
        scope: "/",
        display: "standalone",
        background_color: "#f7f7fb",
        theme_color: "#4338ca",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" }
        ]
      },
      workbox: {
        // The app shell, every chunk and the Loro WASM: the app starts with no network.
        globPatterns: ["**/*.{js,css,html,wasm,png,svg,webmanifest}"],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true
      }
    })
  ],
  resolve: {
    alias: [{ find: /^loro-crdt$/, replacement: fileURLToPath(new URL("./src/loro/LoroWeb.ts", import.meta.url)) }]
  },
  build: { target: "es2022" },
  worker: { format: "es" },
  server: { proxy: { "/api": "http://127.0.0.1:8787" } }
})
