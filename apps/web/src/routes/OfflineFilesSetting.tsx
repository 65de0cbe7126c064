/**
 * "Keep attachments offline": this device fetches every attached file in the background instead
 * of when a note showing it opens. The sync worker reads the setting in its rounds, so a change
 * asks for one at once.
 */
import { useLiveQuery } from "dexie-react-hooks"
import { chunkBytes } from "@quire/shared"
import { useState } from "react"
import { keepOfflineKey } from "../attachments/KeepOffline.js"
import { useSession } from "../app/Session.js"
import type { QuireDb } from "../data/QuireDb.js"
import { formatSize } from "../ui/fileSize.js"

/**
 * The bytes of attached files held on this device, from the manifests (every chunk but a file's
 * last is `chunkBytes`) and the ids of the chunks held: no chunk is read to count it.
 */
const keptBytes = async (db: QuireDb) => {
  const sizes = new Map<string, number>()
  await db.attachments.each((file) => file.chunks.forEach((id, i) => sizes.set(id, Math.min(chunkBytes, file.size - i * chunkBytes))))
  let bytes = 0
  for (const id of await db.blobs.toCollection().primaryKeys()) bytes += sizes.get(id) ?? 0
  return bytes
}

export function OfflineFilesSetting() {
  const { db, sync } = useSession()
  const stored = useLiveQuery(async () => (await db.meta.get(keepOfflineKey))?.value === true, [db])
  // The box follows a click at once; the stored value catches up.
  const [chosen, setChosen] = useState<boolean | null>(null)
  const keep = chosen ?? stored
  const kept = useLiveQuery(() => keptBytes(db), [db])

  return (
    <section className="card" aria-label="Files on this device">
      <h2>Files on this device</h2>
      <label className="inline">
        <input
          type="checkbox"
          checked={keep ?? false}
          disabled={keep === undefined}
          onChange={(event) => {
            const value = event.target.checked
            setChosen(value)
            void db.meta.put({ key: keepOfflineKey, value }).then(() => sync.syncNow())
          }}
        />{" "}
        Keep attachments offline
      </label>
      <p className="muted">
        On: every attached file is downloaded to this device in the background, so all of them open without a network. Off: a file is
        downloaded when a note showing it is opened. {kept === undefined ? "" : `${formatSize(kept)} of files are kept on this device now.`}
      </p>
    </section>
  )
}
