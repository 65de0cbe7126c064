import { useEffect, useState } from "react"

type Health = { readonly ok: boolean; readonly db: string }

/** Placeholder until the notes app lands: shows that the server behind it is up. */
export function App() {
  const [health, setHealth] = useState<Health | "unreachable" | null>(null)
  useEffect(() => {
    fetch("/api/v1/health")
      .then((response) => response.json() as Promise<Health>)
      .then(setHealth, () => setHealth("unreachable"))
  }, [])
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "4rem auto", padding: "0 1rem" }}>
      <h1>Quire</h1>
      <p>Notes that work offline and sync end-to-end encrypted. The app is on its way.</p>
      <p role="status">
        {health === null
          ? "Checking the server…"
          : health === "unreachable"
            ? "The server cannot be reached."
            : `Server is up (${health.db} database).`}
      </p>
    </main>
  )
}
