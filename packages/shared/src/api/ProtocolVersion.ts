/**
 * The version of the REST contract. `ProtocolVersion.test.ts` pins it together with a hash of
 * the contract's OpenAPI document, so a wire change cannot land without a bump here.
 */
export const protocolVersion = 3

/** The request header a client names its protocol version in; a server speaking another answers 400 `ProtocolMismatch`. */
export const protocolHeader = "quire-protocol"
