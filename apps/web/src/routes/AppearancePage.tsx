/** `/settings/appearance`: light, dark, or whatever the system uses. */
import { useState } from "react"
import { chooseTheme, readThemeChoice, type ThemeChoice } from "../ui/Theme.js"

const choices: ReadonlyArray<readonly [ThemeChoice, string]> = [
  ["system", "Match the system"],
  ["light", "Light"],
  ["dark", "Dark"]
]

export function AppearancePage() {
  const [choice, setChoice] = useState(readThemeChoice)
  return (
    <section>
      <h1>Appearance</h1>
      <fieldset className="card choice">
        <legend>Theme</legend>
        {choices.map(([value, label]) => (
          <label key={value} className="inline">
            <input
              type="radio"
              name="theme"
              value={value}
              checked={choice === value}
              onChange={() => {
                chooseTheme(value)
                setChoice(value)
              }}
            />{" "}
            {label}
          </label>
        ))}
        <p className="muted">Kept on this device. “Match the system” follows your device’s light or dark setting as it changes.</p>
      </fieldset>
    </section>
  )
}
