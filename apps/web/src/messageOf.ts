/** What a caught value says, for a person to read: an Error's message, or the value as text. */
export const messageOf = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown))
