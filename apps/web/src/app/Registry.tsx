/** The device's workspaces (one database each), available to every screen, signed in or not. */
import { createContext, useContext, type ReactNode } from "react"
import type { DeviceRegistry } from "../data/DeviceRegistry.js"

const RegistryContext = createContext<DeviceRegistry | null>(null)

export const RegistryProvider = ({ registry, children }: { registry: DeviceRegistry; children: ReactNode }) => (
  <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>
)

export const useRegistry = (): DeviceRegistry => {
  const registry = useContext(RegistryContext)
  if (!registry) throw new Error("useRegistry outside RegistryProvider")
  return registry
}
