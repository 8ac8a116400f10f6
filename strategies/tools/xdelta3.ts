import { ConfigError } from '../../core/errors.ts'
import { defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption } from '../../core/strategy.ts'
import { referenceDeltaStrategy } from './reference-delta.ts'

const NAME = 'xdelta3'
/** xdelta3 3.x's own bounds on -B (its "-B: minimum value" and "maximum value" messages). */
const XDELTA3_MIN_WINDOW = 512 << 10
const XDELTA3_MAX_WINDOW = 2 ** 31
const OPTIONS = defineOptions({
  // Kept so every strategy runs in the same matrix.
  blockSize: blockSizeOption('not used (xdelta3 finds its own matches)'),
  level: { type: 'number', integer: true, min: 0, max: 9, default: 3, description: 'compression level (-0 to -9)' },
  // xdelta3 itself refuses -B below 512 KiB or above 2 GiB; validate holds the lower bound, since 0 means its default.
  sourceWindow: { type: 'size', min: 0, max: XDELTA3_MAX_WINDOW, default: 0, description: "source window (-B): 0 keeps xdelta3's default (64 MiB), else 512 KiB to 2 GiB" },
})
export type Xdelta3Options = OptionsOf<typeof OPTIONS>

/** xdelta3 (VCDIFF) against the sender's kept copy of the old version: see tools/reference-delta.ts. */
export const xdelta3 = referenceDeltaStrategy<Xdelta3Options>({
  name: NAME,
  summary: 'xdelta3 -e -s old new: both versions in one place (the sender keeps the old one); the first sync sends the whole volume',
  tools: [{ cmd: 'xdelta3', apt: 'xdelta3' }],
  options: OPTIONS,
  validate(o) {
    if (o.sourceWindow !== 0 && o.sourceWindow < XDELTA3_MIN_WINDOW) throw new ConfigError(`xdelta3: sourceWindow ${o.sourceWindow} is below xdelta3's least -B of 512 KiB; use 0 (its default) or 512KiB to 2GiB, e.g. --opt xdelta3.sourceWindow=512KiB`)
  },
  // -D -R: never run an external gzip/xz on inputs that look compressed (compressed content would break it).
  encode: (o, ref, input, output) => ['xdelta3', '-e', '-f', '-q', '-D', '-R', `-${o.level}`, ...(o.sourceWindow ? ['-B', String(o.sourceWindow)] : []), '-s', ref, input, output],
  decode: (o, ref, input, output) => ['xdelta3', '-d', '-f', '-q', '-D', '-R', ...(o.sourceWindow ? ['-B', String(o.sourceWindow)] : []), '-s', ref, input, output],
})
