/** Derives the `notes` list row from a note; the list, search and sort read only this. */
import type { Note } from "@quire/schema";
import type { NoteRow } from "./QuireDb.js";
export declare const previewOf: (body: string) => string;
/** The row to store, or `undefined` when the note must leave every list (deleted forever). */
export declare const noteRowOf: (note: Note, readOnlyReason?: string) => NoteRow | undefined;
//# sourceMappingURL=NoteIndex.d.ts.map