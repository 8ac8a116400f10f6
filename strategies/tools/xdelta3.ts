import { defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption } from '../../core/strategy.ts'
import { referenceDeltaStrategy } from './reference-delta.ts'

const NAME = 'xdelta3'
const OPTIONS = defineOptions({
  // Kept so every strategy runs in the same matrix.
  blockSize: blockSizeOption('not used (xdelta3 finds its own matches)'),
  level: { type: 'number', integer: true, min: 0, max: 9, default: 3, description: 'compression level (-0 to -9)' },
  sourceWindow: { type: 'size', default: 0, description: "source window (-B); 0 keeps xdelta3's default (64 MiB)" },
})
export type Xdelta3Options = OptionsOf<typeof OPTIONS>

/** xdelta3 (VCDIFF) against the sender's kept copy of the old version: see tools/reference-delta.ts. */
export const xdelta3 = referenceDeltaStrategy<Xdelta3Options>({
  name: NAME,
  summary: 'xdelta3 -e -s old new: both versions in one place (the sender keeps the old one); the first sync sends the whole volume',
  tools: [{ cmd: 'xdelta3', apt: 'xdelta3' }],
  options: OPTIONS,
  // -D -R: never run an external gzip/xz on inputs that look compressed (compressed content would break it).
  encode: (o, ref, input, output) => ['xdelta3', '-e', '-f', '-q', '-D', '-R', `-${o.level}`, ...(o.sourceWindow ? ['-B', String(o.sourceWindow)] : []), '-s', ref, input, output],
  decode: (o, ref, input, output) => ['xdelta3', '-d', '-f', '-q', '-D', '-R', ...(o.sourceWindow ? ['-B', String(o.sourceWindow)] : []), '-s', ref, input, output],
})
