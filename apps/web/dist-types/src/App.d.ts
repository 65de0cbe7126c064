/** Placeholder until the notes app lands: shows that the server behind it is up. */
export declare function App(): import("react").JSX.Element;
//# sourceMappingURL=App.d.ts.map