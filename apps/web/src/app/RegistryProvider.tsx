import type { ReactNode } from "react"
import type { DeviceRegistry } from "../data/DeviceRegistry.js"
import { RegistryContext } from "./Registry.js"

export const RegistryProvider = ({ registry, children }: { registry: DeviceRegistry; children: ReactNode }) => (
  <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>
)
