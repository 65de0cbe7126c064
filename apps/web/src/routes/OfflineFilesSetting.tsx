/**
 * "Keep attachments offline": this device fetches every attached file in the background instead
 * of when a note showing it opens. The sync worker reads the setting in its rounds, so a change
 * asks for one at once.
 */
import { useLiveQuery } from "dexie-react-hooks"
import { useEffect, useState } from "react"
import { keepOfflineKey } from "../attachments/KeepOffline.js"
import { useSession } from "../app/Session.js"
import type { QuireDb } from "../data/QuireDb.js"
import { formatSize } from "../ui/fileSize.js"

/** How often the figure is read again while shown: summing reads every chunk, too much for a live query. */
const recountMs = 5_000

const keptBytes = async (db: QuireDb) => {
  let bytes = 0
  await db.blobs.each((row) => (bytes += row.data.byteLength))
  return bytes
}

export function OfflineFilesSetting() {
  const { db, sync } = useSession()
  const stored = useLiveQuery(async () => (await db.meta.get(keepOfflineKey))?.value === true, [db])
  // The box follows a click at once; the stored value catches up.
  const [chosen, setChosen] = useState<boolean | null>(null)
  const keep = chosen ?? stored
  const [kept, setKept] = useState<number | null>(null)
  useEffect(() => {
    let open = true
    const count = () => void keptBytes(db).then((bytes) => open && setKept(bytes))
    count()
    const timer = setInterval(count, recountMs)
    return () => {
      open = false
      clearInterval(timer)
    }
  }, [db])

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
        downloaded when a note showing it is opened. {kept === null ? "" : `${formatSize(kept)} of files are kept on this device now.`}
      </p>
    </section>
  )
}
