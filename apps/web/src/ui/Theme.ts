/**
 * Light or dark: the system's choice (`prefers-color-scheme`) unless the person picked one in
 * settings. Kept per browser profile, and applied before the first paint so nothing flashes.
 */
export type ThemeChoice = "system" | "light" | "dark"

const storageKey = "quire-theme"
const darkQuery = "(prefers-color-scheme: dark)"

export const readThemeChoice = (): ThemeChoice => {
  try {
    const stored = localStorage.getItem(storageKey)
    return stored === "light" || stored === "dark" ? stored : "system"
  } catch {
    return "system"
  }
}

const show = (choice: ThemeChoice) => {
  const dark = choice === "dark" || (choice === "system" && matchMedia(darkQuery).matches)
  document.documentElement.dataset.theme = dark ? "dark" : "light"
}

/** Shows the chosen theme now and follows the system's changes while the choice is "system". */
export const startTheme = () => {
  show(readThemeChoice())
  matchMedia(darkQuery).addEventListener("change", () => show(readThemeChoice()))
}

export const chooseTheme = (choice: ThemeChoice) => {
  try {
    if (choice === "system") localStorage.removeItem(storageKey)
    else localStorage.setItem(storageKey, choice)
  } finally {
    show(choice)
  }
}
