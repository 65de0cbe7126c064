/**
 * Real-looking notes for search and list benchmarks and tests: meeting notes, recipes,
 * reading lists, journal entries and to-do lists with a Zipf-like word mix, Markdown, dates
 * and names. Deterministic for a seed, so every run measures the same workspace.
 */

export interface CorpusNote {
  readonly title: string
  readonly body: string
}

/** mulberry32: small, fast, good enough to pick words. */
const randomFrom = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const common = (
  "the of and to a in is it you that he was for on are with as they be at one have this from or had by " +
  "but some what there we can out other were all your when up use word how said an each she which do their " +
  "time if will way about many then them would write like so these her long make thing see him two has look " +
  "more day could go come did my sound no most number who over know water than call first people may down side " +
  "been now find any new work part take get place made live where after back little only round man year came " +
  "show every good me give our under name very through just form much great think say help low line before turn " +
  "cause same mean differ move right boy old too does tell sentence set three want air well also play small end " +
  "put home read hand port large spell add even land here must big high such follow act why ask men change went " +
  "light kind off need house picture try us again animal point mother world near build self earth father head stand"
).split(" ")

const topical = (
  "meeting agenda roadmap budget deadline launch release customer feedback design review sprint backlog estimate " +
  "migration database server client browser offline sync encryption password backup restore invoice contract " +
  "recipe flour butter sugar oven garlic onion tomato basil pasta risotto lentil curry ginger lemon yoghurt " +
  "garden tulip compost seedling watering pruning greenhouse harvest journal morning evening walk coffee tea " +
  "travel flight hotel passport museum train ticket itinerary luggage reading novel chapter author library " +
  "poetry essay philosophy history physics chemistry biology mathematics algorithm function variable compiler " +
  "typescript react worker index query latency throughput benchmark profile memory allocation cache " +
  "doctor dentist appointment pharmacy insurance mortgage apartment landlord repair plumber electrician " +
  "birthday anniversary wedding gift party invitation holiday christmas summer winter spring autumn " +
  "running cycling swimming yoga climbing marathon training stretching knee shoulder physiotherapy"
).split(" ")

/** The long tail every real corpus has: tens of thousands of rarer words, names and jargon. */
const rareWords = (() => {
  const r = randomFrom(7)
  const onsets = [
    "b",
    "br",
    "c",
    "ch",
    "cr",
    "d",
    "f",
    "fl",
    "g",
    "gr",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "qu",
    "r",
    "s",
    "sh",
    "st",
    "t",
    "th",
    "tr",
    "v",
    "w",
    "z"
  ]
  const vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
  const codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng"]
  const endings = ["", "", "ing", "ed", "er", "ion", "ly", "ness", "ment", "able", "ist", "ology"]
  const words = new Set<string>()
  while (words.size < 30_000) {
    const syllables = 1 + Math.floor(r() * 3)
    let word = ""
    for (let i = 0; i < syllables; i++)
      word += onsets[Math.floor(r() * onsets.length)]! + vowels[Math.floor(r() * vowels.length)]! + codas[Math.floor(r() * codas.length)]!
    words.add(word + endings[Math.floor(r() * endings.length)]!)
  }
  return [...words]
})()

const names = "Dana Priya Tomasz Aiko Mateo Chiara Olu Sven Leila Ravi Noor Hugo Ingrid Kwame Mei Farid".split(" ")
const projects = "Atlas Quill Harbor Juniper Nimbus Orchid Pioneer Sierra Tundra Vesper".split(" ")

const titleShapes: ReadonlyArray<(r: () => number, pick: <T>(xs: ReadonlyArray<T>) => T) => string> = [
  (_r, pick) => `Meeting with ${pick(names)} about ${pick(projects)} ${pick(topical)}`,
  (_r, pick) => `${pick(projects)} ${pick(topical)} notes`,
  (_r, pick) => `Recipe: ${pick(topical)} and ${pick(topical)}`,
  (r) =>
    `Journal ${2019 + Math.floor(r() * 7)}-${String(1 + Math.floor(r() * 12)).padStart(2, "0")}-${String(1 + Math.floor(r() * 28)).padStart(2, "0")}`,
  (_r, pick) => `Reading list: ${pick(topical)}`,
  (_r, pick) => `To do before the ${pick(topical)}`,
  (_r, pick) => `Ideas for ${pick(topical)} ${pick(topical)}`,
  (_r, pick) => `${pick(names)}'s ${pick(topical)}`
]

/** `count` notes; titles of 3 to 8 words, bodies of 20 to 400 words in a few paragraphs and lists. */
export const noteCorpus = (count: number, seed = 12): Array<CorpusNote> => {
  const r = randomFrom(seed)
  const pick = <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(r() * xs.length)]!
  // Zipf-like: low ranks far more often, so a few words are everywhere and most are rare.
  const zipf = <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(xs.length * r() ** 3)]!
  const word = () => {
    const kind = r()
    return kind < 0.66 ? zipf(common) : kind < 0.8 ? zipf(topical) : kind < 0.83 ? pick(names) : zipf(rareWords)
  }
  const sentence = () => {
    const words = Array.from({ length: 5 + Math.floor(r() * 14) }, word)
    const text = words.join(" ")
    return text.charAt(0).toUpperCase() + text.slice(1) + (r() < 0.85 ? "." : "?")
  }
  const notes: Array<CorpusNote> = []
  for (let i = 0; i < count; i++) {
    const title = pick(titleShapes)(r, pick)
    const blocks: Array<string> = []
    const target = 20 + Math.floor(r() ** 2 * 380)
    let words = 0
    while (words < target) {
      const shape = r()
      if (shape < 0.2) {
        const items = Array.from({ length: 2 + Math.floor(r() * 5) }, () => `- ${r() < 0.3 ? "[ ] " : ""}${sentence()}`)
        blocks.push(items.join("\n"))
        words += items.length * 10
      } else if (shape < 0.28) {
        blocks.push(`## ${pick(topical).replace(/^./, (c) => c.toUpperCase())}`)
        words += 1
      } else {
        const paragraph = Array.from({ length: 1 + Math.floor(r() * 4) }, sentence).join(" ")
        blocks.push(paragraph)
        words += paragraph.split(" ").length
      }
    }
    notes.push({ title, body: blocks.join("\n\n") })
  }
  return notes
}
