import { OpenApi } from "@effect/platform"
import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { protocolVersion } from "./ProtocolVersion.js"
import { QuireApi } from "./QuireApi.js"

const contractHash = () =>
  createHash("sha256")
    .update(JSON.stringify(OpenApi.fromApi(QuireApi)))
    .digest("hex")
    .slice(0, 16)

describe("the protocol version", () => {
  it("is pinned to the contract: change the API, bump protocolVersion and this hash together", () => {
    expect({ protocolVersion, contractHash: contractHash() }).toEqual({ protocolVersion: 3, contractHash: "9f93e9aa83f8a02e" })
  })
})
