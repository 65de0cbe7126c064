/**
 * A workspace of many real-looking notes, written by a node device and pushed to the server,
 * for Chromium profiles to pull through a share link: the fastest honest way to put 10,000
 * notes in a browser (the pull is the app's own bulk path).
 */
// The seeding device runs in node: its IndexedDB is fake-indexeddb.
import "fake-indexeddb/auto"
import type { CorpusNote } from "./NoteCorpus.js"
import { noteCorpus } from "./NoteCorpus.js"
import { createDevice } from "./Device.js"
import { shareLinkFrom } from "./Pairing.js"

export interface SeededWorkspace {
  readonly link: string
  /** How many notes the workspace lists. */
  readonly count: number
}

/**
 * `first` is written before every other note, so it is the last of the list; `extra` after
 * the corpus. Returns a share link for a new device.
 */
export const seedWorkspace = async (
  serverUrl: string,
  corpusSize: number,
  first: CorpusNote,
  extra: ReadonlyArray<CorpusNote> = []
): Promise<SeededWorkspace> => {
  const seeder = await createDevice(serverUrl, "seeder")
  await seeder.notes.create(first)
  await new Promise((resolve) => setTimeout(resolve, 5))
  for (const note of noteCorpus(corpusSize)) await seeder.notes.create(note)
  for (const note of extra) await seeder.notes.create(note)
  await seeder.engine.syncOnce()
  const link = await shareLinkFrom(seeder)
  await seeder.close()
  return { link, count: 1 + corpusSize + extra.length }
}
