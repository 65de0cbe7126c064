/** What the UI calls to change notes. Every call resolves once the edit is durable on the device. */
import { type NewNote, type Note } from "@quire/schema";
import type { DocStore } from "./DocStore.js";
export declare class NoteRepository {
    private readonly store;
    constructor(store: DocStore);
    create(init?: NewNote): Promise<string>;
    setTitle: (id: string, title: string) => Promise<void>;
    setBody: (id: string, body: string) => Promise<void>;
    setTags: (id: string, tags: ReadonlyArray<string>) => Promise<void>;
    setPinned: (id: string, pinned: boolean) => Promise<void>;
    trash: (id: string) => Promise<void>;
    restore: (id: string) => Promise<void>;
    deleteForever: (id: string) => Promise<void>;
    read: (id: string) => Promise<Note | undefined>;
}
//# sourceMappingURL=NoteRepository.d.ts.map