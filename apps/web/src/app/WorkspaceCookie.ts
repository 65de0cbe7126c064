/**
 * The marker that this browser held a workspace, so an eviction is reported instead of silently
 * starting empty. It is a first-party cookie: browsers evict IndexedDB, localStorage, caches and
 * service workers together, but not cookies.
 */
const sentinelCookie = "quire-workspace"
/** About 400 days, the longest browsers keep a cookie; renewed on every start. */
const sentinelMaxAgeSeconds = 400 * 24 * 3600

export const rememberWorkspace = (workspaceId: string) => {
  document.cookie = `${sentinelCookie}=${encodeURIComponent(workspaceId)}; Max-Age=${sentinelMaxAgeSeconds}; Path=/; SameSite=Strict`
}
export const forgetWorkspace = () => {
  document.cookie = `${sentinelCookie}=; Max-Age=0; Path=/; SameSite=Strict`
}
export const hadWorkspaceBefore = () =>
  document.cookie.split("; ").some((pair) => pair.startsWith(`${sentinelCookie}=`) && pair.length > sentinelCookie.length + 1)
