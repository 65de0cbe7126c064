/**
 * In the browser build, `loro-crdt` resolves here (see vite.config.ts): the web entry, whose
 * WASM is fetched (so the service worker serves it offline) and instantiated before any
 * module that imports Loro runs. Only the editor's chunk and the sync worker import it, so
 * the note list never waits for the WASM.
 */
import * as loroWeb from "loro-crdt/web"

export * from "loro-crdt/web"

// The web entry's default export (wasm-bindgen's init) is missing from its type declarations.
const init = (loroWeb as unknown as { default: () => Promise<unknown> }).default
await init()
