type Postings = Uint16Array | Uint32Array

/**
 * A term's documents per field, read from the saved postings the first time anything asks:
 * a start builds only the term tree, and a query pays for the few terms it meets. Every Map
 * method MiniSearch calls on a term's fields (get, set, delete, size, iteration) reads first.
 */
class LazyFields extends Map<number, Map<number, number>> {
  private source: { readonly postings: Postings; readonly at: number } | undefined

  constructor(postings: Postings, at: number) {
    super()
    this.source = { postings, at }
  }

  read(): void {
    if (!this.source) return
    const { postings } = this.source
    let at = this.source.at
    this.source = undefined
    for (let fields = postings[at++]!; fields > 0; fields--) {
      const fieldId = postings[at++]!
      const frequencies = new Map<number, number>()
      for (let documents = postings[at++]!; documents > 0; documents--) {
        frequencies.set(postings[at]!, postings[at + 1]!)
        at += 2
      }
      super.set(fieldId, frequencies)
    }
  }

  override get(fieldId: number) {
    this.read()
    return super.get(fieldId)
  }
  override has(fieldId: number) {
    this.read()
    return super.has(fieldId)
  }
  override set(fieldId: number, frequencies: Map<number, number>) {
    this.read()
    return super.set(fieldId, frequencies)
  }
  override delete(fieldId: number) {
    this.read()
    return super.delete(fieldId)
  }
  override clear() {
    this.source = undefined
    super.clear()
  }
  override get size() {
    this.read()
    return super.size
  }
  override forEach(
    each: (frequencies: Map<number, number>, fieldId: number, map: Map<number, Map<number, number>>) => void,
    self?: unknown
  ) {
    this.read()
    super.forEach(each, self)
  }
  override entries() {
    this.read()
    return super.entries()
  }
  override keys() {
    this.read()
    return super.keys()
  }
  override values() {
    this.read()
    return super.values()
  }
  override [Symbol.iterator]() {
    return this.entries()
  }
}

/**
 * The search index as it is saved: MiniSearch's own state in flat arrays of numbers instead of
 * its JSON. Loading its JSON cost a start about 0.7 s for 10,000 notes, nearly all of it spent
 * on objects keyed by strings (JSON.parse builds them, `loadJS` turns each of ~900,000 postings
 * back into a number-keyed Map entry). Here the postings are one typed array, which IndexedDB
 * copies as bytes; a load builds the term tree and leaves each term's postings where they are
 * until something reads them (LazyFields).
 *
 * It reads and writes MiniSearch's protected state (a subclass may), so it is tied to
 * MiniSearch 7's layout; the tests check that a loaded index is the built one, term for term.
 */
import MiniSearch, { type Options } from "minisearch"

export interface SavedIndex {
  readonly documentCount: number
  readonly nextId: number
  readonly dirtCount: number
  readonly fieldIds: Readonly<Record<string, number>>
  readonly averageFieldLength: ReadonlyArray<number>
  /** Each document's id, and MiniSearch's short id for it, in the same order. */
  readonly ids: ReadonlyArray<string>
  readonly shortIds: Uint32Array
  /** Each document's length in every field, `fieldIds`' count per document, in `ids`' order. */
  readonly fieldLengths: Uint32Array
  readonly terms: ReadonlyArray<string>
  /**
   * Per term, in `terms`' order: how many fields hold it; per field: its id, how many documents,
   * then each document's short id and the term's frequency there. 16 bits when every number fits.
   */
  readonly postings: Postings
}

/** MiniSearch's term tree (a radix tree): edges by their label, and the term's value under the empty label. */
type Tree = Map<string, Tree | LazyFields>
const leaf = ""

const isSorted = (terms: ReadonlyArray<string>) => terms.every((term, i) => i === 0 || terms[i - 1]! < term)

/**
 * The radix tree of `terms[from, to)`, sorted, which share their first `depth` characters: what
 * MiniSearch's `set` would build one term at a time, each walking down from the root.
 */
const treeOf = (terms: ReadonlyArray<string>, values: ReadonlyArray<LazyFields>, from: number, to: number, depth: number): Tree => {
  const node: Tree = new Map()
  let i = from
  // Sorted: a term that ends here comes before every longer one.
  if (terms[i]?.length === depth) node.set(leaf, values[i++]!)
  while (i < to) {
    const first = terms[i]!
    let j = i + 1
    while (j < to && terms[j]![depth] === first[depth]) j++
    // The group's common prefix is the first and last terms' (they are sorted).
    const last = terms[j - 1]!
    let end = depth + 1
    while (end < first.length && end < last.length && first[end] === last[end]) end++
    node.set(first.slice(depth, end), treeOf(terms, values, i, j, end))
    i = j
  }
  return node
}

const postingsOf = (numbers: ReadonlyArray<number>): Postings =>
  numbers.every((n) => n <= 0xffff) ? Uint16Array.from(numbers) : Uint32Array.from(numbers)

export class SavableMiniSearch<T> extends MiniSearch<T> {
  /** Terms whose postings may still be unread, and how far `readAhead` got through them. */
  private unread: Array<LazyFields> = []
  private readUpTo = 0

  /** Reads unread postings until `deadline` (performance.now()); whether any are left. */
  readAhead(deadline: number): boolean {
    while (this.readUpTo < this.unread.length) {
      this.unread[this.readUpTo++]!.read()
      if ((this.readUpTo & 63) === 0 && performance.now() >= deadline) return this.readUpTo < this.unread.length
    }
    this.unread = []
    return false
  }

  save(): SavedIndex {
    const fieldCount = Object.keys(this._fieldIds).length
    const ids: Array<string> = []
    const shortIds: Array<number> = []
    const fieldLengths = new Uint32Array(this._documentIds.size * fieldCount)
    for (const [shortId, id] of this._documentIds) {
      const lengths = this._fieldLength.get(shortId) ?? []
      for (let field = 0; field < fieldCount; field++) fieldLengths[ids.length * fieldCount + field] = lengths[field] ?? 0
      ids.push(String(id))
      shortIds.push(shortId)
    }
    const terms: Array<string> = []
    const postings: Array<number> = []
    // Sorted, so a load can build the term tree in one pass (treeOf).
    for (const [term, fields] of [...this._index].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      terms.push(term)
      postings.push(fields.size)
      for (const [fieldId, frequencies] of fields) {
        postings.push(fieldId, frequencies.size)
        for (const [shortId, frequency] of frequencies) postings.push(shortId, frequency)
      }
    }
    return {
      documentCount: this._documentCount,
      nextId: this._nextId,
      dirtCount: this._dirtCount,
      fieldIds: { ...this._fieldIds },
      averageFieldLength: [...this._avgFieldLength],
      ids,
      shortIds: Uint32Array.from(shortIds),
      fieldLengths,
      terms,
      postings: postingsOf(postings)
    }
  }

  /** The index `save` wrote, with the options it was built with. */
  static load<T>(saved: SavedIndex, options: Options<T>): SavableMiniSearch<T> {
    const mini = new SavableMiniSearch<T>(options)
    const fieldCount = Object.keys(saved.fieldIds).length
    if (saved.ids.length !== saved.shortIds.length || saved.fieldLengths.length !== saved.ids.length * fieldCount)
      throw new Error("The saved search index is inconsistent.")
    mini._documentCount = saved.documentCount
    mini._nextId = saved.nextId
    mini._dirtCount = saved.dirtCount
    mini._fieldIds = { ...saved.fieldIds }
    mini._avgFieldLength = [...saved.averageFieldLength]
    saved.ids.forEach((id, i) => {
      const shortId = saved.shortIds[i]!
      mini._documentIds.set(shortId, id)
      mini._idToShortId.set(id, shortId)
      mini._fieldLength.set(shortId, Array.from(saved.fieldLengths.subarray(i * fieldCount, (i + 1) * fieldCount)))
    })
    const postings = saved.postings
    let at = 0
    for (let i = 0; i < saved.terms.length; i++) {
      mini.unread.push(new LazyFields(postings, at))
      // Skipped, not read: a term's postings become Maps when a query or an edit first touches it.
      for (let fields = postings[at++]!; fields > 0; fields--) at += 2 + 2 * postings[at + 1]!
    }
    const SearchableMap = mini._index.constructor as new (tree: Tree) => typeof mini._index
    if (isSorted(saved.terms)) mini._index = new SearchableMap(treeOf(saved.terms, mini.unread, 0, saved.terms.length, 0))
    else saved.terms.forEach((term, i) => mini._index.set(term, mini.unread[i]!))
    if (at !== postings.length) throw new Error("The saved search index is inconsistent.")
    return mini
  }
}
