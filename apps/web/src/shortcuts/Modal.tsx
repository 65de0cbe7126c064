/** A modal dialog (the platform's `<dialog>`: focus kept inside, Escape closes it). */
import { useEffect, useRef, type ReactNode } from "react"
import "./dialogs.css"

export function Modal({ label, onClose, children }: { label: string; onClose: () => void; children: ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const element = dialog.current!
    element.showModal()
    return () => element.close()
  }, [])
  return (
    <dialog ref={dialog} className="modal" aria-label={label} onClose={onClose}>
      {children}
    </dialog>
  )
}
