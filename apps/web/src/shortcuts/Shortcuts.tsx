/**
 * The app's keyboard shortcuts, on every screen of a workspace: Ctrl/Cmd+K finds a note by
 * title, Ctrl/Cmd+N starts a note, Ctrl/Cmd+F searches the list, Escape goes back to the list,
 * and `?` lists them. The dialogs load on first use, so the list's first download stays as it was.
 */
import { useNavigate, useRouterState } from "@tanstack/react-router"
import { lazy, Suspense, useEffect, useState } from "react"
import { useSession } from "../app/Session.js"

const QuickSwitcher = lazy(() => import("./QuickSwitcher.js"))
const ShortcutsDialog = lazy(() => import("./ShortcutsDialog.js"))

type Open = "none" | "switcher" | "help"

/** Typing there must type: plain keys like `?` are left alone in fields and the editor. */
const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))

export default function Shortcuts() {
  const { repository } = useSession()
  const navigate = useNavigate()
  const pathname = useRouterState({ select: (state) => state.location.pathname })
  const [open, setOpen] = useState<Open>("none")

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return
      // A dialog handles its own keys (Escape closes it).
      if (document.querySelector("dialog[open]")) return
      const mod = event.ctrlKey || event.metaKey
      const key = event.key.toLowerCase()
      if (mod && !event.altKey && !event.shiftKey && key === "k") {
        event.preventDefault()
        setOpen("switcher")
      } else if (mod && !event.altKey && !event.shiftKey && key === "n") {
        event.preventDefault()
        void repository()
          .then((notes) => notes.create({}))
          .then((noteId) => navigate({ to: "/notes/$noteId", params: { noteId } }))
      } else if (mod && !event.altKey && !event.shiftKey && key === "f") {
        event.preventDefault()
        const focusSearch = () => document.querySelector<HTMLInputElement>('input[aria-label="Search notes"]')?.focus()
        if (pathname === "/") focusSearch()
        else void navigate({ to: "/" }).then(() => requestAnimationFrame(focusSearch))
      } else if (event.key === "Escape" && !mod && pathname !== "/") {
        event.preventDefault()
        void navigate({ to: "/" })
      } else if (event.key === "?" && !mod && !event.altKey && !isTyping(event.target)) {
        event.preventDefault()
        setOpen("help")
      }
    }
    addEventListener("keydown", onKey)
    // Loaded just after the first paint: says when the keys work (the browser tests wait for it).
    document.documentElement.dataset.shortcuts = "ready"
    return () => removeEventListener("keydown", onKey)
  }, [repository, navigate, pathname])

  const close = () => setOpen("none")
  return (
    <Suspense fallback={null}>
      {open === "switcher" && <QuickSwitcher onClose={close} />}
      {open === "help" && <ShortcutsDialog onClose={close} />}
    </Suspense>
  )
}
