export * from "./BackupCodec.js"
