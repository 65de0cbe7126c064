/**
 * Full-text search over notes with MiniSearch (docs/decisions/0009): BM25 ranking, the title
 * weighted above the body, the word being typed matched as a prefix, and typos forgiven.
 * Pure: it knows nothing of IndexedDB; IndexKeeper feeds and persists it.
 */
import type { Query } from "minisearch"
import { SavableMiniSearch, type SavedIndex } from "./SavedIndex.js"

export interface SearchDoc {
  readonly id: string
  readonly title: string
  readonly body: string
}

export interface SearchHit {
  readonly id: string
  readonly score: number
  /** The words of the note that matched (a prefix or a typo finds its whole word): what a snippet marks. */
  readonly terms: ReadonlyArray<string>
}

/**
 * Bump when the options below or the saved shape (SavedIndex) change: a persisted index of
 * another format is rebuilt, not loaded. 1 was MiniSearch's JSON.
 */
export const searchIndexFormat = 2

// Words in nearly every note: indexing them costs a third of the index and ranks nothing.
const stopwords = new Set(
  (
    "a an and are as at be but by for from had has have he her him his i if in into is it its me my no not of on or " +
    "our she so that the their them then there these they this to was we were what when which who will with would you your"
  ).split(" ")
)

const titleBoost = 3

/** Exact and prefix matches past which typos are not looked for. */
const enoughExact = 50

/** Edits forgiven per word: none for short words (too many neighbours), two past six letters (a swap is two). */
const typosAllowed = (term: string) => (term.length < 4 ? 0 : term.length < 7 ? 1 : 2)

const options = {
  fields: ["title", "body"],
  processTerm: (term: string) => {
    const lower = term.toLowerCase()
    return stopwords.has(lower) ? null : lower
  },
  searchOptions: { processTerm: (term: string) => term.toLowerCase() },
  autoVacuum: { batchSize: 2000, batchWait: 20, minDirtCount: 200, minDirtFactor: 0.1 }
}

const tokenize = (text: string) =>
  text
    .toLowerCase()
    .split(/[\s\p{P}\p{S}]+/u)
    .filter((word) => word !== "")

/**
 * The query as MiniSearch runs it. Every word must match (AND). A word matches the title as
 * typed, as a prefix or with typos; the body only from its third letter on as a prefix: a one-
 * or two-letter prefix of every body would cost a whole scan per keystroke and rank nothing.
 * Finished stopwords are dropped (they are not indexed); the last word may still be growing.
 */
export const queryOf = (text: string, forgiving = true): Query | undefined => {
  const words = tokenize(text)
  const kept = words.filter((word, i) => i === words.length - 1 || !stopwords.has(word))
  if (kept.length === 0) return undefined
  return {
    combineWith: "AND",
    queries: kept.map((word) => ({
      combineWith: "OR",
      queries: [
        { queries: [word], fields: ["title"], prefix: true, fuzzy: forgiving ? typosAllowed(word) : 0, boost: { title: titleBoost } },
        { queries: [word], fields: ["body"], prefix: word.length >= 3, fuzzy: forgiving ? typosAllowed(word) : 0 }
      ]
    }))
  }
}

export class SearchIndex {
  private constructor(private readonly mini: SavableMiniSearch<SearchDoc>) {}

  static empty(): SearchIndex {
    return new SearchIndex(new SavableMiniSearch<SearchDoc>(options))
  }

  /** From what `save()` returned (no re-tokenizing). */
  static load(saved: SavedIndex): SearchIndex {
    return new SearchIndex(SavableMiniSearch.load<SearchDoc>(saved, options))
  }

  save(): SavedIndex {
    return this.mini.save()
  }

  /**
   * Reads ahead what a load left unread, for at most `ms`; whether some is left. Queries read
   * what they touch anyway: this only keeps a first keystroke from paying for it.
   */
  readAhead(ms: number): boolean {
    return this.mini.readAhead(performance.now() + ms)
  }

  get size(): number {
    return this.mini.documentCount
  }

  has(id: string): boolean {
    return this.mini.has(id)
  }

  /** Adds the note, or replaces what the index held for it. */
  put(doc: SearchDoc): void {
    if (this.mini.has(doc.id)) this.mini.replace(doc)
    else this.mini.add(doc)
  }

  remove(id: string): void {
    if (this.mini.has(id)) this.mini.discard(id)
  }

  /**
   * Best first. Words are matched as typed and as prefixes first; typos (and near forms, such as
   * a plural) are forgiven when that finds few notes. A word already found in many notes gains
   * nothing at the top from its neighbours within two edits, and scoring them all is most of a
   * keystroke's time.
   */
  search(text: string): Array<SearchHit> {
    const exact = queryOf(text, false)
    if (!exact) return []
    const found = this.mini.search(exact)
    const results = found.length >= enoughExact ? found : this.mini.search(queryOf(text)!)
    return results.map((result) => ({ id: String(result.id), score: result.score, terms: result.terms }))
  }
}

/** The words a query looks for, for marking them where a note only starts with them. */
export const queryWords = tokenize
