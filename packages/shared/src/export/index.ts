export * from "./ExportCodec.js"
