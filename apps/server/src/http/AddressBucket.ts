/**
 * Which rate-limit bucket a client address falls in. An IPv4 address is its own bucket. An
 * IPv6 client is limited by its /64: one subscriber usually holds a whole /64 (often far more
 * addresses than it will ever use), so limiting each IPv6 address alone would limit nothing.
 * IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack socket reports) count as
 * the IPv4 address they carry.
 */
import { isIPv4, isIPv6 } from "node:net"

/** The eight 16-bit groups of an IPv6 address (zone dropped), or undefined if it is not one. */
const ipv6Groups = (address: string): Array<number> | undefined => {
  const bare = address.split("%")[0]!
  if (!isIPv6(bare)) return undefined
  let text = bare
  // A trailing dotted IPv4 part stands for the last two groups.
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/)
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number]
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.includes("::") ? (text.split("::") as [string, string]) : [text, undefined]
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)))
  const front = parse(head)
  if (tail === undefined) return front
  const back = parse(tail)
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back]
}

export const addressBucket = (address: string): string => {
  if (isIPv4(address)) return address
  const groups = ipv6Groups(address)
  if (!groups) return address
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff
  if (mapped) return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".")
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`
}
