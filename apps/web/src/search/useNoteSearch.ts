/**
 * The note list's search: asks the tab's search worker for every query as it is typed and
 * keeps the answer to the latest one, with snippets for the first hits and for any hit that
 * scrolls into view later. A change to the notes runs the query again.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react"
import { searchClientFor, type SearchState } from "./SearchClient.js"
import type { Snippet } from "./Snippet.js"
import { messageOf } from "../messageOf.js"

export interface NoteSearch {
  readonly state: SearchState
  /** The query the hits answer (not necessarily the one in the box yet), and the hits, best first. */
  readonly answered: { readonly query: string; readonly ids: ReadonlyArray<string> } | undefined
  readonly snippets: ReadonlyMap<string, Snippet>
  /** Asks for the snippets of these hits, if not known yet. */
  readonly want: (ids: ReadonlyArray<string>) => void
  readonly problem: string | undefined
}

export const useNoteSearch = (databaseName: string, query: string): NoteSearch => {
  const client = searchClientFor(databaseName)
  const state = useSyncExternalStore(client.subscribe, client.getState)
  const version = useSyncExternalStore(client.subscribe, client.getVersion)
  const [answered, setAnswered] = useState<NoteSearch["answered"]>(undefined)
  const [snippets, setSnippets] = useState<ReadonlyMap<string, Snippet>>(new Map())
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const text = query.trim()
  const latest = useRef(text)
  latest.current = text

  useEffect(() => {
    if (text === "" || !state.ready) return
    let current = true
    client.search(text).then(
      (results) => {
        if (!current) return
        setAnswered({ query: text, ids: results.ids })
        setSnippets(new Map(Object.entries(results.snippets)))
        setProblem(undefined)
      },
      (error: unknown) => current && setProblem(messageOf(error))
    )
    return () => {
      current = false
    }
  }, [client, text, state.ready, version])

  const asked = useRef(new Set<string>())
  useEffect(() => asked.current.clear(), [answered])
  const want = useCallback(
    (ids: ReadonlyArray<string>) => {
      const missing = ids.filter((id) => !snippets.has(id) && !asked.current.has(id))
      if (missing.length === 0 || !answered) return
      for (const id of missing) asked.current.add(id)
      const forQuery = answered.query
      void client.snippets(forQuery, missing).then((more) => {
        if (latest.current !== forQuery) return
        setSnippets((known) => new Map([...known, ...Object.entries(more)]))
      })
    },
    [client, snippets, answered]
  )

  return { state, answered: text === "" ? undefined : answered, snippets, want, problem }
}
