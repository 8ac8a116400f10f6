/**
 * Text widths for headless layout. With no canvas, Vega guesses every character as 0.8 em wide, so titles
 * push charts wide and labels get cut or dropped. The PNG is drawn in DejaVu Sans, so we measure with that
 * font's own advance widths, read from the TTF (cmap + hmtx tables), and hand Vega the result through its
 * documented hook (textMetrics.width, as vl-convert does). Kerning is ignored (a pixel or two per label).
 */
import { existsSync, readFileSync } from 'node:fs'
import * as vega from 'vega'

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/TTF', '/usr/share/fonts/dejavu']

/** Advance widths of one font, in em, by code point. */
export interface FontWidths {
  advance(codePoint: number): number
}

/** Reads the tables we need from a TrueType font: unitsPerEm, hmtx advances and the Unicode cmap. */
export function parseTrueType(bytes: Uint8Array): FontWidths {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const u16 = (o: number) => view.getUint16(o)
  const u32 = (o: number) => view.getUint32(o)
  const tables = new Map<string, number>()
  const numTables = u16(4)
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16
    tables.set(String.fromCharCode(bytes[rec]!, bytes[rec + 1]!, bytes[rec + 2]!, bytes[rec + 3]!), u32(rec + 8))
  }
  const table = (tag: string) => {
    const at = tables.get(tag)
    if (at === undefined) throw new Error(`text-metrics: font has no ${tag} table`)
    return at
  }
  const unitsPerEm = u16(table('head') + 18)
  const numberOfHMetrics = u16(table('hhea') + 34)
  const hmtx = table('hmtx')
  const advanceOfGlyph = (g: number) => u16(hmtx + 4 * Math.min(g, numberOfHMetrics - 1)) / unitsPerEm

  const cmap = table('cmap')
  let sub4 = -1
  let sub12 = -1
  for (let i = 0; i < u16(cmap + 2); i++) {
    const rec = cmap + 4 + i * 8
    const platform = u16(rec)
    const encoding = u16(rec + 2)
    const at = cmap + u32(rec + 4)
    const format = u16(at)
    if (format === 12 && (platform === 3 || platform === 0)) sub12 = at
    if (format === 4 && ((platform === 3 && encoding === 1) || platform === 0)) sub4 = at
  }
  const glyphOf = (cp: number): number => {
    if (sub12 >= 0) {
      const groups = u32(sub12 + 12)
      for (let i = 0; i < groups; i++) {
        const g = sub12 + 16 + i * 12
        if (cp >= u32(g) && cp <= u32(g + 4)) return u32(g + 8) + (cp - u32(g))
      }
      return 0
    }
    if (sub4 < 0 || cp > 0xffff) return 0
    const segs = u16(sub4 + 6) / 2
    const ends = sub4 + 14
    const starts = ends + segs * 2 + 2
    const deltas = starts + segs * 2
    const ranges = deltas + segs * 2
    for (let i = 0; i < segs; i++) {
      if (u16(ends + i * 2) < cp) continue
      const start = u16(starts + i * 2)
      if (start > cp) return 0
      const delta = view.getInt16(deltas + i * 2)
      const range = u16(ranges + i * 2)
      if (range === 0) return (cp + delta) & 0xffff
      const g = u16(ranges + i * 2 + range + 2 * (cp - start))
      return g === 0 ? 0 : (g + delta) & 0xffff
    }
    return 0
  }
  const cache = new Map<number, number>()
  return {
    advance(cp) {
      let w = cache.get(cp)
      if (w === undefined) {
        w = advanceOfGlyph(glyphOf(cp))
        cache.set(cp, w)
      }
      return w
    },
  }
}

function loadFont(file: string): FontWidths | null {
  for (const dir of FONT_DIRS) {
    const path = `${dir}/${file}`
    if (existsSync(path)) return parseTrueType(readFileSync(path))
  }
  return null
}

interface TextItem {
  fontSize?: number
  fontWeight?: string | number
  limit?: number
}

let installed: boolean | undefined

/**
 * Makes Vega measure text with DejaVu Sans (regular and bold). Returns false, leaving Vega's estimate in
 * place, when the font is not installed (apt-get install fonts-dejavu-core).
 */
export function useDejaVuMetrics(): boolean {
  if (installed !== undefined) return installed
  const regular = loadFont('DejaVuSans.ttf')
  const bold = loadFont('DejaVuSans-Bold.ttf') ?? regular
  if (!regular || !bold) return (installed = false)
  const measure = (font: FontWidths, text: string, size: number) => {
    let em = 0
    for (const ch of text) em += font.advance(ch.codePointAt(0)!)
    return em * size
  }
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics
  metrics.width = (item, text) => {
    const size = item.fontSize ?? 11
    const s = text == null ? '' : String(text).trim()
    if (size <= 0 || !s) return 0
    const weight = item.fontWeight
    const isBold = weight === 'bold' || weight === 'bolder' || (typeof weight === 'number' && weight >= 600) || (typeof weight === 'string' && Number(weight) >= 600)
    const w = measure(isBold ? bold : regular, s, size)
    // Vega truncates to `limit` with an ellipsis: a truncated text is at most that wide.
    return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w
  }
  return (installed = true)
}
