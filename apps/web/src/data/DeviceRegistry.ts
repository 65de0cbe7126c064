/**
 * The workspaces on this device: each lives in its own IndexedDB database, named by its
 * workspace id, so nothing of one can ever reach another; a small device database says
 * which one is open. Leaving a workspace clears its database; a new one starts in a new one.
 */
import Dexie, { type EntityTable } from "dexie"
import { QuireDb } from "./QuireDb.js"

interface SettingRow {
  readonly key: string
  readonly value: unknown
}

class DeviceDb extends Dexie {
  settings!: EntityTable<SettingRow, "key">

  constructor(name: string) {
    super(name)
    this.version(1).stores({ settings: "key" })
  }
}

export class DeviceRegistry {
  private readonly device: DeviceDb

  /** `prefix` names every database of this device; tests give each simulated device its own. */
  constructor(readonly prefix = "quire") {
    this.device = new DeviceDb(`${prefix}-device`)
  }

  databaseName(workspaceId: string): string {
    return `${this.prefix}-workspace-${workspaceId}`
  }

  /** The database of one workspace (created empty on first use). */
  open(workspaceId: string): QuireDb {
    return new QuireDb(this.databaseName(workspaceId))
  }

  /** The workspace this device has open, if any. */
  async current(): Promise<string | undefined> {
    return (await this.device.settings.get("current"))?.value as string | undefined
  }

  setCurrent(workspaceId: string): Promise<unknown> {
    return this.device.settings.put({ key: "current", value: workspaceId })
  }

  clearCurrent(): Promise<void> {
    return this.device.settings.delete("current")
  }

  close(): void {
    this.device.close()
  }
}
