/**
 * Guard rails against the browser losing data: ask for persistent storage, warn well before
 * the quota, and remember that this browser held a workspace (WorkspaceCookie), so an eviction
 * is reported instead of silently starting empty.
 */
import { useEffect, useState } from "react"
import { rememberWorkspace } from "./WorkspaceCookie.js"

const warnAtFraction = 0.8

export function StorageGuard({ workspaceId }: { workspaceId: string }) {
  const [warning, setWarning] = useState<string | null>(null)
  useEffect(() => {
    rememberWorkspace(workspaceId)
    void navigator.storage?.persist?.()
    const check = async () => {
      const estimate = await navigator.storage?.estimate?.()
      if (!estimate?.quota || !estimate.usage) return
      const used = estimate.usage / estimate.quota
      setWarning(
        used > warnAtFraction
          ? `This browser's storage for Quire is ${Math.round(used * 100)}% full. Free some space or export your notes before it runs out.`
          : null
      )
    }
    void check()
    const timer = setInterval(() => void check(), 60_000)
    return () => clearInterval(timer)
  }, [workspaceId])
  return warning ? (
    <div className="banner" role="alert">
      {warning}
    </div>
  ) : null
}
