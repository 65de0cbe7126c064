import { type EnvelopeEntry } from "@quire/shared";
import { LoroDoc } from "loro-crdt";
import type { QuireDb } from "./QuireDb.js";
/** The note cannot be edited on this device: a newer app wrote it. */
export declare class NoteReadOnly extends Error {
    readonly name = "NoteReadOnly";
}
export declare class DocStore {
    readonly db: QuireDb;
    private readonly key;
    readonly clock: () => number;
    private readonly cache;
    private turn;
    constructor(db: QuireDb, key: CryptoKey, clock?: () => number);
    /** Runs `task` after every earlier task of this store. */
    exclusive<A>(task: () => Promise<A>): Promise<A>;
    /** The document as this context holds it, loading it from the database once. */
    private entry;
    /** Inside a transaction: merges in whatever another context stored since this one looked. */
    private catchUp;
    /** Inside a transaction: stores the document and its list row. */
    private persist;
    /** Forgets in-memory state after a failed write, so the next read starts from the database. */
    private forget;
    /**
     * A local edit: applies `mutate`, then in ONE transaction stores the document, its list row
     * and the encrypted change in the outbox. Once this resolves the edit survives anything.
     */
    change(id: string, mutate: (doc: LoroDoc, now: number) => void): Promise<void>;
    private changeInTurn;
    private saveLocalChange;
    /**
     * Remote changes: imports every entry into its document and stores them, together with
     * whatever `alsoWrite` records (the pull cursor), in one transaction. Then migrates any
     * document that arrived in an older format; those edits go to the outbox like any other.
     */
    applyRemote(entries: ReadonlyArray<EnvelopeEntry>, alsoWrite?: () => Promise<unknown>): Promise<void>;
    /** Migrates every stored document older than this app; run at start. */
    migrateAll(): Promise<void>;
    private migrateInTurn;
    /** Every document's full snapshot, for compaction and export. */
    allSnapshots(): Promise<Array<EnvelopeEntry>>;
    /** The note as stored, read through this context's copy of its document. */
    read(id: string): Promise<{
        readonly id: string;
        readonly schemaVersion: number;
        readonly title: string;
        readonly tags: readonly string[];
        readonly pinned: boolean;
        readonly trashed: boolean;
        readonly createdAt: number;
        readonly updatedAt: number;
        readonly body: string;
        readonly deleted: boolean;
    } | undefined>;
}
//# sourceMappingURL=DocStore.d.ts.map