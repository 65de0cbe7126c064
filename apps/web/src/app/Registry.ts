/** The device's workspaces (one database each), available to every screen, signed in or not. */
import { createContext, useContext } from "react"
import type { DeviceRegistry } from "../data/DeviceRegistry.js"

/** Provided by RegistryProvider (its own module, so both files keep fast refresh). */
export const RegistryContext = createContext<DeviceRegistry | null>(null)

export const useRegistry = (): DeviceRegistry => {
  const registry = useContext(RegistryContext)
  if (!registry) throw new Error("useRegistry outside RegistryProvider")
  return registry
}
