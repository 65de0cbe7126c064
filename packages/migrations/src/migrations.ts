import type { Migration } from "./Migration.js"
import { v2TagsAsList } from "./steps/v2TagsAsList.js"
import { v3SplitContent } from "./steps/v3SplitContent.js"

/** Every step, oldest first. Version 1 is the original shape and needs none. */
export const migrations: ReadonlyArray<Migration> = [v2TagsAsList, v3SplitContent]

export const latestVersion = migrations.reduce((latest, step) => Math.max(latest, step.version), 1)
