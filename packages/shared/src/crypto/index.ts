export * from "./BlobCipher.js"
export * from "./WorkspaceKey.js"
export * from "./DerivedKeys.js"
export * from "./ChunkKeys.js"
