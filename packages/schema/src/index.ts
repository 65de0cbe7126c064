/**
 * The note model's schema version. The Loro layout and typed accessors arrive with the client;
 * until then this package only pins the version documents will record.
 */
export const currentSchemaVersion = 1
