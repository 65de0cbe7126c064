export * from "./Note.js"
export * from "./NoteDoc.js"
export * from "./NoteLayout.js"
export * from "./WorkspaceDoc.js"
