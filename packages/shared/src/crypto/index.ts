export * from "./BlobCipher.js"
export * from "./WorkspaceKey.js"
