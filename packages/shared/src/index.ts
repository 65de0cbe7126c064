export * from "./api/index.js"
export * from "./backup/index.js"
export * from "./bytes/index.js"
