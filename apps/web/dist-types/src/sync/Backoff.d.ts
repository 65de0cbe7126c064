/** Delays between failed attempts: 1 s, 2 s, 4 s … capped at 60 s, each with ±20 % jitter. */
export interface BackoffOptions {
    readonly initialMs?: number;
    readonly maxMs?: number;
    readonly random?: () => number;
}
export declare const makeBackoff: ({ initialMs, maxMs, random }?: BackoffOptions) => {
    next(): number;
    reset(): void;
};
//# sourceMappingURL=Backoff.d.ts.map