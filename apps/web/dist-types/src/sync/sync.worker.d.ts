export {};
//# sourceMappingURL=sync.worker.d.ts.map