export * from "./EnvelopeCodec.js"
