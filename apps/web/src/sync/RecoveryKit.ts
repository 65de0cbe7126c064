/**
 * The recovery kit: the text (and QR code) that lets a person take the workspace back on a
 * new device. Using it calls `master/recover`: the device becomes the master under a NEW
 * device id, so its changes can never collide with the old master's, and every older master
 * token (the kit's own included) stops working, so the person saves the new kit.
 */
import { importWorkspaceKey } from "@quire/shared"
import { Effect, Either } from "effect"
import type { DeviceRegistry } from "../data/DeviceRegistry.js"
import { writeMeta, type WorkspaceCredentials } from "../data/Meta.js"
import { makeClient, run, type Result } from "./SyncApi.js"
import type { SyncError } from "./SyncError.js"
import { rememberWorkspace, type OpenedWorkspace } from "./Workspace.js"

export interface RecoveryKit {
  readonly workspaceId: string
  readonly masterToken: string
  readonly key: string
  readonly serverUrl: string
}

const fields = { workspaceId: "workspace", masterToken: "master token", key: "key", serverUrl: "server" } as const

export const formatRecoveryKit = (credentials: WorkspaceCredentials): string =>
  [
    "Quire recovery kit",
    `${fields.workspaceId}: ${credentials.workspaceId}`,
    `${fields.masterToken}: ${credentials.token}`,
    `${fields.key}: ${credentials.workspaceKey}`,
    `${fields.serverUrl}: ${credentials.serverUrl}`
  ].join("\n")

/** The kit in `text`, or what is missing from it. */
export const parseRecoveryKit = (text: string): RecoveryKit | string => {
  const lines = new Map(
    text.split(/\r?\n/).flatMap((line) => {
      const at = line.indexOf(":")
      return at > 0 ? [[line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()] as const] : []
    })
  )
  const kit: Record<string, string> = {}
  for (const [name, label] of Object.entries(fields)) {
    const value = lines.get(label)
    if (!value) return `the kit has no "${label}" line`
    kit[name] = value
  }
  return kit as unknown as RecoveryKit
}

const refuse = (message: string): Result<never> => Either.left({ kind: "auth", message } satisfies SyncError)

/** Takes the workspace over on this device with the kit; the old master token stops working. */
export const recoverWorkspace = async (registry: DeviceRegistry, text: string, deviceLabel: string): Promise<Result<OpenedWorkspace>> => {
  if ((await registry.current()) !== undefined) return refuse("This device already holds a workspace; leave it first.")
  const kit = parseRecoveryKit(text)
  if (typeof kit === "string") return refuse(`This is not a Quire recovery kit: ${kit}.`)
  const key = await Effect.runPromise(Effect.either(importWorkspaceKey(kit.key)))
  if (Either.isLeft(key)) return refuse(`The kit's key is damaged: ${key.left.message}`)
  const client = Effect.runSync(makeClient(kit.serverUrl, kit.masterToken))
  const recovered = await run(client.devices.recoverMaster({ path: { ws: kit.workspaceId }, payload: { label: deviceLabel } }))
  if (Either.isLeft(recovered)) return Either.left(recovered.left)
  const opened = await rememberWorkspace(registry, {
    workspaceId: kit.workspaceId,
    deviceId: recovered.right.deviceId,
    token: recovered.right.masterToken,
    role: "master",
    workspaceKey: kit.key,
    serverUrl: kit.serverUrl
  })
  await writeMeta(opened.db, "kitOutdated", true)
  return Either.right(opened)
}
