/**
 * The note list, virtualized with TanStack Virtual: however many notes there are, only the
 * rows on screen (and a few around them) exist in the DOM, so painting and scrolling cost the
 * same for ten notes or ten thousand. The page scrolls, not a box inside it.
 *
 * Every card is one line of title, one of text and one of tags (each cut with an ellipsis), so
 * all rows are as tall as the first: it is measured once per render instead of every row as it
 * scrolls in, which would cost a layout and a second render per frame of a fast scroll.
 */
import { Link } from "@tanstack/react-router"
import { useWindowVirtualizer, type VirtualItem } from "@tanstack/react-virtual"
import { memo, useCallback, useLayoutEffect, useRef, useState } from "react"
import type { NoteRow } from "../data/QuireDb.js"
import type { Snippet } from "../search/Snippet.js"
import { timeAgo } from "../ui/time.js"

function SnippetText({ snippet }: { snippet: Snippet }) {
  return <>{snippet.map((part, i) => (part.hit ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}</>
}

const oneLine = { whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis" } as const

function NoteCard({ row, snippet }: { row: NoteRow; snippet: Snippet | undefined }) {
  return (
    <Link to="/notes/$noteId" params={{ noteId: row.id }}>
      <div className="title" style={oneLine}>
        {row.pinned ? <span aria-label="Pinned">📌 </span> : null}
        {row.title || "Untitled"}
      </div>
      <div className="preview">{snippet ? <SnippetText snippet={snippet} /> : row.preview || "No text"}</div>
      <div className="tags" style={{ flexWrap: "nowrap", overflow: "hidden" }}>
        {row.tags.map((tag) => (
          <span className="tag" key={tag}>
            {tag}
          </span>
        ))}
        {row.attachments ? (
          <span role="img" aria-label="has attachments" title={`${row.attachments} attached ${row.attachments === 1 ? "file" : "files"}`}>
            📎
          </span>
        ) : null}
        <span className="muted" style={{ fontSize: "0.8rem" }}>
          {timeAgo(row.updatedAt)}
        </span>
      </div>
    </Link>
  )
}

/** A card's height before the first is measured: title, preview and the tags line. */
const estimatedRowPx = 86
const gapPx = 8

/**
 * Memoized: a keystroke renders the page at once (the box shows the letter) and again when its
 * hits arrive; the list has nothing new to show the first time, and its layout read after each
 * render forces a layout.
 */
export const VirtualNoteList = memo(function VirtualNoteList({
  notes,
  snippets,
  empty,
  onVisible
}: {
  notes: ReadonlyArray<NoteRow>
  /**
   * Search results show where the note matched instead of its opening. Looked up as rows render,
   * so snippets arriving for the rows on screen do not rebuild a list of thousands.
   */
  snippets?: ReadonlyMap<string, Snippet>
  empty: string
  /** Told which notes are on screen (search asks for their snippets). */
  onVisible?: (notes: ReadonlyArray<NoteRow>) => void
}) {
  const listRef = useRef<HTMLUListElement>(null)
  const [offset, setOffset] = useState(0)
  const [rowHeight, setRowHeight] = useState(estimatedRowPx)
  // Banners above the list come and go, and the text size can change: the list's place and a
  // row's height are read after each render (and set only when they moved, so this settles).
  // eslint-disable-next-line react-hooks/exhaustive-deps -- on purpose after every render: what moves the list is outside it
  useLayoutEffect(() => {
    const list = listRef.current
    if (!list) return
    if (list.offsetTop !== offset) setOffset(list.offsetTop)
    const height = (list.firstElementChild as HTMLElement | null)?.offsetHeight
    if (height && height !== rowHeight) setRowHeight(height)
  })
  const virtualizer = useWindowVirtualizer({
    count: notes.length,
    estimateSize: () => rowHeight,
    overscan: 4,
    gap: gapPx,
    scrollMargin: offset,
    // The same function while the notes are the same: the virtualizer measures every row again when it changes.
    getItemKey: useCallback((index: number) => notes[index]!.id, [notes])
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index
  const last = items.at(-1)?.index
  useLayoutEffect(() => {
    if (onVisible && first !== undefined && last !== undefined) onVisible(notes.slice(first, last + 1))
  }, [onVisible, notes, first, last])

  if (notes.length === 0) return <p className="muted">{empty}</p>
  return (
    <ul
      ref={listRef}
      className="list"
      aria-label="Notes"
      style={{ display: "block", position: "relative", height: virtualizer.getTotalSize() }}
    >
      {items.map((item: VirtualItem) => (
        <li
          key={item.key}
          data-index={item.index}
          style={{
            position: "absolute",
            top: 0,
            left: 0,
            width: "100%",
            transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)`
          }}
        >
          <NoteCard row={notes[item.index]!} snippet={snippets?.get(notes[item.index]!.id)} />
        </li>
      ))}
    </ul>
  )
})
