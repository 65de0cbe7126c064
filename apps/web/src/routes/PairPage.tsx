/** `/pair#ws=…&code=…&key=…`: joining from a share link, with progress until the notes are here. */
import { Link, useNavigate } from "@tanstack/react-router"
import { Either } from "effect"
import { useEffect, useRef, useState } from "react"
import { useRegistry } from "../app/Registry.js"
import { useOptionalSession } from "../app/Session.js"
import { joinWorkspace } from "../sync/Workspace.js"

export function PairPage() {
  const registry = useRegistry()
  const session = useOptionalSession()
  const navigate = useNavigate()
  const [error, setError] = useState<string | null>(null)
  const started = useRef(false)

  useEffect(() => {
    if (session || started.current) return
    started.current = true
    const link = location.href
    // The fragment holds the key: take it out of the address bar and history at once.
    history.replaceState(null, "", "/pair")
    void joinWorkspace(registry, link, `Browser paired ${new Date().toLocaleDateString()}`).then((result) => {
      if (Either.isLeft(result)) setError(result.left.message)
      else void navigate({ to: "/" })
    })
  }, [registry, session, navigate])

  if (session && !error) {
    return (
      <section>
        <h1>This device is paired</h1>
        <p>Your notes are arriving.</p>
        <Link to="/">Go to your notes</Link>
      </section>
    )
  }
  return (
    <section>
      <h1>Pairing this device</h1>
      {error ? (
        <div className="banner error" role="alert">
          Could not pair: {error} <Link to="/welcome">Start over</Link>
        </div>
      ) : (
        <p role="status">Joining the workspace…</p>
      )}
    </section>
  )
}
