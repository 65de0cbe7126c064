export * from "./InProcessServer.js"
export * from "./SpawnedServer.js"
