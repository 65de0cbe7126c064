/** Authorization rules handlers apply after authentication: same workspace, and master-only. */
import { CurrentCaller, Forbidden } from "@quire/shared"
import { Effect } from "effect"

/** The caller, if its token belongs to `workspaceId` (else 403). */
export const callerOf = (workspaceId: string) =>
  Effect.flatMap(CurrentCaller, (caller) =>
    caller.workspaceId === workspaceId
      ? Effect.succeed(caller)
      : Effect.fail(new Forbidden({ message: "This token belongs to another workspace." }))
  )

/** The caller, if it holds the master token of `workspaceId` (else 403). */
export const masterOf = (workspaceId: string) =>
  Effect.flatMap(callerOf(workspaceId), (caller) =>
    caller.role === "master" ? Effect.succeed(caller) : Effect.fail(new Forbidden({ message: "Only the master device may do this." }))
  )
