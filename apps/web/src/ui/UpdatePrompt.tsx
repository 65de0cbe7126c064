/** Registers the service worker and offers a reload when a new version is waiting. */
import { useRegisterSW } from "virtual:pwa-register/react"

export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker
  } = useRegisterSW({ immediate: true })
  if (!needRefresh) return null
  return (
    <div className="update" role="alert">
      <span>A new version of Quire is available.</span>
      <button type="button" onClick={() => void updateServiceWorker(true)}>
        Reload
      </button>
      <button type="button" aria-label="Dismiss the update notice" onClick={() => setNeedRefresh(false)}>
        Later
      </button>
    </div>
  )
}
