/**
 * Files pasted or dropped into the body become attachments. CodeMirror on its own would read a
 * dropped file as text into the note; these handlers run first and take the files instead. A
 * paste that carries text keeps pasting that text (office apps put a picture of the copied text
 * beside it, which is not a file the person meant to attach).
 */
import { EditorView } from "@codemirror/view"

/** Called with the files and where they go in the body (`undefined`: at the caret). */
export type FilesArrived = (files: ReadonlyArray<File>, at: number | undefined) => void

const filesOf = (data: DataTransfer | null): Array<File> => [...(data?.files ?? [])]

export const fileDrop = (onFiles: FilesArrived) =>
  EditorView.domEventHandlers({
    paste(event, view) {
      const files = filesOf(event.clipboardData)
      if (files.length === 0 || view.state.readOnly || event.clipboardData?.getData("text/plain")) return false
      event.preventDefault()
      onFiles(files, undefined)
      return true
    },
    drop(event, view) {
      const files = filesOf(event.dataTransfer)
      if (files.length === 0 || view.state.readOnly) return false
      event.preventDefault()
      onFiles(files, view.posAtCoords({ x: event.clientX, y: event.clientY }, false))
      return true
    }
  })
