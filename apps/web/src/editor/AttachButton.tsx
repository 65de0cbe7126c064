/** "Attach file": a button (reachable and named like any other) that opens the browser's file picker, several files at once. */
import { useRef } from "react"

export function AttachButton({ onFiles, disabled }: { onFiles: (files: ReadonlyArray<File>) => void; disabled: boolean }) {
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
        Attach file
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Files to attach"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])]
          // Cleared, so choosing the same file again is a change too.
          event.target.value = ""
          onFiles(files)
        }}
      />
    </>
  )
}
