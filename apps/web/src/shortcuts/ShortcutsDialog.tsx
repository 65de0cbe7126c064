/** The `?` dialog: every keyboard shortcut. */
import { Modal } from "./Modal.js"

const mod = /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl"

const shortcuts: ReadonlyArray<readonly [string, string]> = [
  [`${mod}+K`, "Find a note by its title"],
  [`${mod}+N`, "New note"],
  [`${mod}+F`, "Search the notes"],
  ["Escape", "Back to the list"],
  [`${mod}+Z`, "Undo your typing in the note"],
  [`${mod}+Shift+Z`, "Redo"],
  ["[[", "Link to another note (in the editor)"],
  ["?", "This list"]
]

export default function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal label="Keyboard shortcuts" onClose={onClose}>
      <h2>Keyboard shortcuts</h2>
      <table>
        <tbody>
          {shortcuts.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </Modal>
  )
}
