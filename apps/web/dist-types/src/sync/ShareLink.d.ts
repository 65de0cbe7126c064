/**
 * Share links: `<origin>/pair#ws=<id>&code=<one-time code>&key=<base64url key>`. Everything
 * secret is in the fragment, which browsers never send over HTTP.
 */
export interface ShareLink {
    readonly serverUrl: string;
    readonly workspaceId: string;
    readonly code: string;
    readonly key: string;
}
export declare const formatShareLink: (link: ShareLink) => string;
export type ShareLinkProblem = "not a link" | "missing workspace" | "missing code" | "missing key";
export declare const parseShareLink: (text: string) => ShareLink | ShareLinkProblem;
//# sourceMappingURL=ShareLink.d.ts.map