import { type WorkspaceCredentials } from "../data/Meta.js";
import type { QuireDb } from "../data/QuireDb.js";
import { type Result } from "./SyncApi.js";
export declare const createWorkspace: (db: QuireDb, serverUrl: string, deviceLabel: string) => Promise<Result<WorkspaceCredentials>>;
export declare const joinWorkspace: (db: QuireDb, link: string, deviceLabel: string) => Promise<Result<WorkspaceCredentials>>;
export type LeaveOutcome = {
    readonly left: true;
} | {
    readonly left: false;
    readonly unsynced: number;
};
/** Wipes the workspace from this device. With unsynced changes it refuses unless `force`. */
export declare const leaveWorkspace: (db: QuireDb, { force }?: {
    force?: boolean | undefined;
}) => Promise<LeaveOutcome>;
/** The key of the workspace this device holds. */
export declare const workspaceKeyOf: (credentials: WorkspaceCredentials) => Promise<CryptoKey>;
//# sourceMappingURL=Workspace.d.ts.map