/** "just now", "5 min ago", or a date: how long ago `at` (ms since epoch) was. */
export const timeAgo = (at: number, now = Date.now()): string => {
  const seconds = Math.round((now - at) / 1000)
  if (seconds < 45) return "just now"
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`
  return new Date(at).toLocaleDateString()
}
