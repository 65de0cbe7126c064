import { describe, expect, it } from "vitest"
import { addressBucket } from "./AddressBucket.js"

describe("the rate-limit bucket of an address", () => {
  it("is the address itself for IPv4", () => {
    expect(addressBucket("192.0.2.7")).toBe("192.0.2.7")
    expect(addressBucket("127.0.0.1")).toBe("127.0.0.1")
  })

  it("is the /64 prefix for IPv6, however the address is written", () => {
    expect(addressBucket("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64")
    expect(addressBucket("2001:db8:1:2::99")).toBe("2001:db8:1:2::/64")
    expect(addressBucket("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64")
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64")
    expect(addressBucket("fe80::1%eth0")).toBe("fe80:0:0:0::/64")
    expect(addressBucket("::1")).toBe("0:0:0:0::/64")
  })

  it("puts every address of one /64 in the same bucket and a neighbouring /64 in another", () => {
    const inside = ["2001:db8:aa:bb::1", "2001:db8:aa:bb:1234::", "2001:db8:aa:bb:ffff:ffff:ffff:fffe"].map(addressBucket)
    expect(new Set(inside).size).toBe(1)
    expect(addressBucket("2001:db8:aa:bc::1")).not.toBe(inside[0])
  })

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(addressBucket("::ffff:192.0.2.7")).toBe("192.0.2.7")
    expect(addressBucket("::ffff:c000:207")).toBe("192.0.2.7")
  })

  it("keeps anything else as it is", () => {
    expect(addressBucket("unknown")).toBe("unknown")
  })
})
