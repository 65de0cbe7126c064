export * from "./ByteReader.js"
export * from "./ByteWriter.js"
export * from "./Uuid.js"
export * from "./BufferSource.js"
