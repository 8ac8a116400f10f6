import { ConfigError } from '../../core/errors.ts'
import type { StrategyOptions } from '../../core/strategy.ts'
import { referenceDeltaStrategy } from './reference-delta.ts'

export interface Xdelta3Options extends StrategyOptions {
  /** Not used: xdelta3 finds its own matches (kept so every strategy runs in the same matrix). */
  blockSize: number
  /** Compression level, -0 to -9. Default 3. */
  level: number
  /** Source window (-B) in bytes; 0 keeps xdelta3's default (64 MiB). Default 0. */
  sourceWindow: number
}

/** xdelta3 (VCDIFF) against the sender's kept copy of the old version: see shared/reference-delta.ts. */
export const xdelta3 = referenceDeltaStrategy<Xdelta3Options>({
  name: 'xdelta3',
  summary: 'xdelta3 -e -s old new: both versions in one place (the sender keeps the old one); the first sync sends the whole volume',
  tools: [{ cmd: 'xdelta3', apt: 'xdelta3' }],
  defaults: { blockSize: 4096, level: 3, sourceWindow: 0 },
  options: {
    blockSize: { type: 'size', description: 'not used (xdelta3 finds its own matches)' },
    level: { type: 'number', description: 'compression level (-0 to -9)' },
    sourceWindow: { type: 'size', description: "source window (-B); 0 keeps xdelta3's default (64 MiB)" },
  },
  check(o) {
    if (!Number.isInteger(o.level) || o.level < 0 || o.level > 9) throw new ConfigError(`xdelta3: level must be 0-9, got ${o.level}`)
    if (!Number.isSafeInteger(o.sourceWindow) || o.sourceWindow < 0) throw new ConfigError(`xdelta3: sourceWindow must be 0 or a size, got ${o.sourceWindow}`)
  },
  // -D -R: never run an external gzip/xz on inputs that look compressed (compressed content would break it).
  encode: (o, ref, input, output) => ['xdelta3', '-e', '-f', '-q', '-D', '-R', `-${o.level}`, ...(o.sourceWindow ? ['-B', String(o.sourceWindow)] : []), '-s', ref, input, output],
  decode: (o, ref, input, output) => ['xdelta3', '-d', '-f', '-q', '-D', '-R', ...(o.sourceWindow ? ['-B', String(o.sourceWindow)] : []), '-s', ref, input, output],
})
