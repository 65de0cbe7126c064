/**
 * The open note's files as the preview shows them. When the note opens, the chunks this device
 * lacks are asked of the sync worker once; they arrive in `blobs`, which this watches, with the
 * reason a chunk could not be fetched yet. Images are opened (while the preview shows) into
 * object URLs, revoked when the note closes; other files are opened when saved.
 */
import type { AttachmentManifest } from "@quire/schema"
import { useLiveQuery } from "dexie-react-hooks"
import { useCallback, useEffect, useMemo, useRef, useState } from "react"
import type { Attachments } from "../attachments/Attachments.js"
import type { QuireDb } from "../data/QuireDb.js"
import { messageOf } from "../messageOf.js"
import { download } from "../ui/download.js"

export type FileView =
  | { readonly kind: "opening"; readonly manifest?: AttachmentManifest }
  | { readonly kind: "ready"; readonly manifest: AttachmentManifest; readonly url?: string }
  | { readonly kind: "fetching"; readonly manifest: AttachmentManifest; readonly error?: string; readonly damaged?: string }
  | { readonly kind: "failed"; readonly manifest: AttachmentManifest; readonly message: string }
  | { readonly kind: "unknown" }

/** What opening a file gave: its object URL, or why it could not be read (and the damaged chunks, to fetch again). */
interface Opened {
  readonly url?: string
  readonly problem?: string
  readonly damaged?: ReadonlyArray<string>
  /**
   * Set once a chunk of the file went missing after the problem (dropped to be fetched again):
   * it is read again when they are all back. Until then a problem stays, so a chunk that cannot
   * be replaced is not read over and over.
   */
  readonly stale?: boolean
}

export const isImage = (manifest: AttachmentManifest) => manifest.type.startsWith("image/")

export const useAttachmentFiles = (db: QuireDb, loadAttachments: () => Promise<Attachments>, noteId: string, showing: boolean) => {
  const [attachments, setAttachments] = useState<Attachments | null>(null)
  const [opened, setOpened] = useState<ReadonlyMap<string, Opened>>(() => new Map())
  const asked = useRef(new Set<string>())
  const reading = useRef(new Set<string>())
  const urls = useRef<Array<string>>([])

  useEffect(() => {
    let open = true
    loadAttachments().then(
      (loaded) => open && setAttachments(loaded),
      () => {}
    )
    return () => {
      open = false
    }
  }, [loadAttachments])
  useEffect(() => () => urls.current.splice(0).forEach((url) => URL.revokeObjectURL(url)), [])

  const manifests = useLiveQuery(() => db.attachments.where("noteId").equals(noteId).toArray(), [db, noteId])
  const byId = useMemo(() => new Map((manifests ?? []).map((manifest) => [manifest.fileId, manifest])), [manifests])
  const chunkIds = useMemo(() => [...new Set((manifests ?? []).flatMap((manifest) => manifest.chunks))].sort(), [manifests])
  const chunks = useLiveQuery(async () => {
    const held = new Set(await db.blobs.where("id").anyOf(chunkIds).primaryKeys())
    const wants = await db.blobWants.bulkGet(chunkIds)
    return { held, errors: new Map(wants.flatMap((want) => (want?.error ? [[want.id, want.error] as const] : []))) }
  }, [db, chunkIds.join(",")])

  const note = useCallback((fileId: string, value: Opened) => setOpened((current) => new Map(current).set(fileId, value)), [])

  useEffect(() => {
    if (!attachments || !chunks) return
    for (const manifest of byId.values()) {
      const { fileId } = manifest
      const state = opened.get(fileId)
      const missing = manifest.chunks.filter((id) => !chunks.held.has(id))
      if (missing.length > 0) {
        if (!asked.current.has(fileId)) {
          asked.current.add(fileId)
          attachments.want(missing).catch(() => {})
        }
        if (state?.problem && !state.stale) note(fileId, { ...state, stale: true })
        continue
      }
      if (state?.url || (state?.problem && !state.stale) || reading.current.has(fileId)) continue
      if (!isImage(manifest)) {
        if (state?.problem) note(fileId, {})
        continue
      }
      if (!showing) continue
      reading.current.add(fileId)
      attachments
        .read(manifest)
        .then(async (result) => {
          if (result.kind === "ready") {
            const url = URL.createObjectURL(result.blob)
            urls.current.push(url)
            note(fileId, { url })
          } else if (result.kind === "missing") await attachments.want(result.ids)
          else {
            note(fileId, { problem: result.message, damaged: result.ids })
            await attachments.refetch(result.ids)
          }
        })
        .catch((error: unknown) => note(fileId, { problem: `Could not open ${manifest.name}: ${messageOf(error)}` }))
        .finally(() => reading.current.delete(fileId))
    }
  }, [attachments, byId, chunks, opened, showing, db, note])

  const viewOf = useCallback(
    (fileId: string): FileView => {
      const manifest = byId.get(fileId)
      if (!manifest) return manifests === undefined ? { kind: "opening" } : { kind: "unknown" }
      const state = opened.get(fileId)
      if (state?.url) return { kind: "ready", manifest, url: state.url }
      if (!chunks) return { kind: "opening", manifest }
      const missing = manifest.chunks.filter((id) => !chunks.held.has(id))
      if (missing.length > 0) {
        const error = missing.map((id) => chunks.errors.get(id)).find((reason) => reason !== undefined)
        return { kind: "fetching", manifest, ...(error ? { error } : {}), ...(state?.problem ? { damaged: state.problem } : {}) }
      }
      if (state?.problem && !state.stale) return { kind: "failed", manifest, message: state.problem }
      return isImage(manifest) ? { kind: "opening", manifest } : { kind: "ready", manifest }
    },
    [byId, manifests, opened, chunks]
  )

  /** "Try again": the chunks wanted at once (a damaged one dropped first). */
  const retry = useCallback(
    async (fileId: string) => {
      const manifest = byId.get(fileId)
      if (!manifest || !attachments) return
      const state = opened.get(fileId)
      if (state?.problem) note(fileId, state.damaged ? { ...state, stale: true } : {})
      if (state?.damaged) await attachments.refetch(state.damaged)
      else await attachments.want(manifest.chunks.filter((id) => !chunks?.held.has(id)))
    },
    [byId, attachments, opened, chunks, note]
  )

  /** Saves a file through the browser's download, under its name; one that cannot be read yet is fetched. */
  const save = useCallback(
    async (fileId: string) => {
      const manifest = byId.get(fileId)
      if (!manifest || !attachments) return
      const result = await attachments.read(manifest)
      if (result.kind === "ready") download(result.blob, manifest.name)
      else if (result.kind === "missing") await attachments.want(result.ids)
      else {
        note(fileId, { problem: result.message, damaged: result.ids })
        await attachments.refetch(result.ids)
      }
    },
    [byId, attachments, note]
  )

  return { viewOf, retry, save }
}
