/**
 * The version of the REST contract. `ProtocolVersion.test.ts` pins it together with a hash of
 * the contract's OpenAPI document, so a wire change cannot land without a bump here.
 */
export const protocolVersion = 1
