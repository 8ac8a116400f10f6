/**
 * The source of the sender's rolling loop in WebAssembly text. `npm run build:wasm` compiles it (wabt)
 * into rolling-kernel-wasm.ts; test/rolling-kernel.test.ts checks that file is this text compiled, so
 * the committed binary cannot drift from what is read here.
 *
 * Why WASM: the loop runs once per source byte wherever nothing matches. In V8's JavaScript it ran at
 * ~4 ns a byte inside a sync (a bounds check on every typed-array read, state that had to leave through
 * an array on every prefilter hit); here it runs at under 2 (`npm run bench:primitives` measures both),
 * it probes the weak-sum table itself, so it returns to JavaScript only on a real weak-sum hit, and the
 * chunk it reads is its own memory, so the source goes from the file straight into it.
 *
 * Why generated text and not a .wat file: V8 (Node 20) does not inline WASM calls, and a call per byte
 * to test a bit cost 1.8× the whole loop. The helpers below write the same few lines in place; each
 * reads as the WAT it emits.
 *
 * Memory (byte addresses):
 *   [0, 512 KiB)        the prefilter: BlockIndex's bitmap, up to 2^22 bits as little-endian i32 words
 *                       (bucket = (weak · GOLDEN) >>> $bitmapShift; bit bucket & 31 of word bucket >>> 5)
 *   STATE … +16         the window's sum (s1, s2; RabinKarp: the hash in s1), hit (0/1), head (the
 *                       first block with the window's weak sum, when hit)
 *   DATA …              the source chunk; offsets p and last below count from DATA
 *   $table …            BlockIndex's table as (key, head) pairs of i32, 2^bits slots, slot =
 *                       (weak · GOLDEN) >>> $tableShift, linear probing, head −1 = empty
 *
 * roll*(p, last, …): the window at p (bytes [p, p + k)) has been tested and its sum is in STATE. Slides
 * one byte at a time to p + 1, p + 2, … and stops at the first window whose weak sum is in the table
 * (hit = 1, head set) or at `last` (hit = 0); returns where it stopped, its sum in STATE. The caller
 * keeps last + k within the chunk. Four windows per turn while four remain: their prefilter bits are
 * ORed and tested once (a bit is set at ~1 offset in 128), and a turn with a set bit probes the table
 * for each set bit from the lanes it computed (s1/s2; RabinKarp redoes the turn a window at a time). Each sum's loop-carried chain takes one add (s1, s2)
 * or one multiply (RabinKarp) per byte; the rest is computed beside it.
 *
 * sum*(p, k): the sum of the window at p computed afresh, into STATE.
 */
import { BITMAP_SHIFT, GOLDEN } from './block-index.ts'
import { RK_MULT, RK_SEED } from './rolling-checksum.ts'

/** Where the window's state lives: right after the 512 KiB prefilter. */
export const KERNEL_STATE = 1 << (32 - BITMAP_SHIFT - 3)
/** Where the source chunk starts. */
export const KERNEL_DATA = KERNEL_STATE + 64

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`

/** $m = digest · GOLDEN, and bit `bucket & 31` of prefilter word `bucket >>> 5` in bit 0 (i32.shr_u shifts mod 32). */
function prefilterBit(digest: string): string {
  return `(i32.shr_u
          (i32.load (i32.shl (i32.shr_u (local.tee $b (i32.shr_u (local.tee $m (i32.mul ${digest} (i32.const ${hex(GOLDEN)}))) (local.get $shift))) (i32.const 5)) (i32.const 2)))
          (local.get $b))`
}

/** Probes the table for `digest` (its mix in $m); on a hit stores hit = 1, the head and the sum, and leaves $out. */
function probe(digest: string, store: string): string {
  return `(local.set $slot (i32.shr_u (local.get $m) (global.get $tableShift)))
          (block $miss
            (loop $probe
              (local.set $a (i32.add (global.get $table) (i32.shl (local.get $slot) (i32.const 3))))
              (br_if $miss (i32.eq (i32.load offset=4 (local.get $a)) (i32.const -1)))
              (if (i32.eq (i32.load (local.get $a)) ${digest})
                (then
                  (i32.store offset=${KERNEL_STATE + 8} (i32.const 0) (i32.const 1))
                  (i32.store offset=${KERNEL_STATE + 12} (i32.const 0) (i32.load offset=4 (local.get $a)))
                  ${store}
                  (br $out)))
              (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (global.get $tableMask)))
              (br $probe)))`
}

const S1S2_DIGEST = '(i32.or (i32.and (local.get $s1) (i32.const 0xffff)) (i32.shl (local.get $s2) (i32.const 16)))'

/** One s1/s2 slide: out = byte at p + i, in = byte at q + i (q = p + k). s1 += in − out; s2 += s1 − (k·out + kOff). */
function s1s2Slide(load: string, i: number, inAddr = '(local.get $q)'): string {
  return `(local.set $o (${load} offset=${KERNEL_DATA + i} (local.get $p)))
        (local.set $s1 (i32.add (local.get $s1) (i32.sub (${load} offset=${KERNEL_DATA + i} ${inAddr}) (local.get $o))))
        (local.set $s2 (i32.add (local.get $s2) (i32.sub (local.get $s1) (i32.add (i32.mul (local.get $o) (local.get $k)) (local.get $kOff)))))`
}

/** One RabinKarp slide: h = h·MULT + in − (mk·out + mk·ADJ). */
function rabinKarpSlide(i: number, inAddr = '(local.get $q)'): string {
  return `(local.set $h (i32.sub
          (i32.add (i32.mul (local.get $h) (i32.const ${hex(RK_MULT)})) (i32.load8_u offset=${KERNEL_DATA + i} ${inAddr}))
          (i32.add (i32.mul (local.get $mk) (i32.load8_u offset=${KERNEL_DATA + i} (local.get $p))) (local.get $mkAdj))))`
}

interface SumShape {
  /** Extra parameters and locals of the roll function. */
  params: string
  locals: string
  /** Advances the sum by the byte pair at p + i (the incoming byte at inAddr, default q + i). */
  slide: (i: number, inAddr?: string) => string
  /** The window's weak sum. */
  digest: string
  /** Keep / restore the sum at the start of a turn; move it between STATE and locals. */
  save: string
  restore: string
  load: string
  store: string
  /** A four-window turn in SIMD, used instead of four slides; its sums live in vectors between turns: */
  simdTurn?: string
  /** scalars → vectors on entering the four-window loop, vectors → scalars on leaving it at its end, vectors to the next turn. */
  enter?: string
  leave?: string
  advance?: string
  /** A flagged SIMD turn handled in SIMD (leaves through $out on a table hit, else falls through to advance). */
  flagged?: string
}

/** Lanes [0, a0, a1, a2] of `v`: i32x4 shifted up one lane (two lanes: [0, 0, a0, a1]), zeros in. */
const up1 = (v: string) => `(i8x16.shuffle 16 17 18 19 0 1 2 3 4 5 6 7 8 9 10 11 ${v} (v128.const i64x2 0 0))`
const up2 = (v: string) => `(i8x16.shuffle 16 17 18 19 16 17 18 19 0 1 2 3 4 5 6 7 ${v} (v128.const i64x2 0 0))`
/** Lane 3 of an i32x4 in every lane. */
const lane3 = (v: string) => `(i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 ${v} ${v})`

/**
 * One SIMD turn of four s1/s2 windows (p+1 … p+4). The sums are prefix sums: with d = in − out per
 * byte, s1 at window i is s1 + d0 + … + di, and s2 likewise over e = s1_i − (k·out_i + kOff); i32
 * wraps, so the lanes hold exactly the scalar loop's values. $v1 and $v2 carry s1 and s2 of the window
 * at p in every lane. Only the prefilter probe (a load per window) stays scalar: WASM has no gather.
 * A probe in SIMD (each window's prefilter byte into its lane by v128.load8_lane, masks by a swizzle,
 * one any_true) was tried and measured no faster on this machine.
 */
function s1s2SimdTurn(signed: boolean): string {
  const sx = signed ? 's' : 'u'
  const bytes = (addr: string) => `(i32x4.extend_low_i16x8_${sx} (v128.load8x8_${sx} offset=${KERNEL_DATA} ${addr}))`
  const lane = (i: number) => `(i32.shr_u
            (i32.load (i32x4.extract_lane ${i} (local.get $vw)))
            (i32x4.extract_lane ${i} (local.get $vb)))`
  return `(local.set $vo ${bytes('(local.get $p)')})
            (local.set $vd (i32x4.sub ${bytes('(local.get $q)')} (local.get $vo)))
            (local.set $vd (i32x4.add (local.get $vd) ${up1('(local.get $vd)')}))
            (local.set $vs1 (i32x4.add (local.get $v1) (i32x4.add (local.get $vd) ${up2('(local.get $vd)')})))
            (local.set $vd (i32x4.sub (local.get $vs1) (i32x4.add (i32x4.mul (local.get $vo) (local.get $vk)) (local.get $vkOff))))
            (local.set $vd (i32x4.add (local.get $vd) ${up1('(local.get $vd)')}))
            (local.set $vs2 (i32x4.add (local.get $v2) (i32x4.add (local.get $vd) ${up2('(local.get $vd)')})))
            (local.set $vg (v128.or (v128.and (local.get $vs1) (v128.const i32x4 0xffff 0xffff 0xffff 0xffff)) (i32x4.shl (local.get $vs2) (i32.const 16))))
            (local.set $vm (i32x4.mul (local.get $vg) (v128.const i32x4 ${hex(GOLDEN)} ${hex(GOLDEN)} ${hex(GOLDEN)} ${hex(GOLDEN)})))
            (local.set $vb (i32x4.shr_u (local.get $vm) (local.get $shift)))
            (local.set $vw (i32x4.shl (i32x4.shr_u (local.get $vb) (i32.const 5)) (i32.const 2)))
            (local.set $any (i32.or (i32.or ${lane(0)} ${lane(1)}) (i32.or ${lane(2)} ${lane(3)})))`
}

/**
 * A SIMD turn with a set prefilter bit: the table is probed for just the lanes whose bit is set, in
 * window order, with the digests the turn computed; a hit leaves with that lane's window (p + 1 + i) and
 * sums. No lane in the table (a false positive, ~1 turn in 32) and the turn goes on in SIMD. Redoing the
 * turn a window at a time instead cost ~0.8 ns a byte of ~2.9 on \`unrelated\` (with the prefilter
 * zeroed, so no turn was flagged, the same loop ran at 2.05).
 */
function s1s2SimdFlagged(): string {
  const lane = (i: number) => `(if (i32.and (i32.shr_u
                    (i32.load (i32x4.extract_lane ${i} (local.get $vw)))
                    (i32x4.extract_lane ${i} (local.get $vb))) (i32.const 1))
                  (then
                    (local.set $m (i32x4.extract_lane ${i} (local.get $vm)))
                    (local.set $dg (i32x4.extract_lane ${i} (local.get $vg)))
                    ${probe('(local.get $dg)', `(local.set $p (i32.add (local.get $p) (i32.const ${i + 1})))
                  (local.set $s1 (i32x4.extract_lane ${i} (local.get $vs1)))
                  (local.set $s2 (i32x4.extract_lane ${i} (local.get $vs2)))`)}))`
  return `${[0, 1, 2, 3].map(lane).join('\n                ')}`
}

function rollFunction(name: string, f: SumShape): string {
  const turn = f.simdTurn ?? [0, 1, 2, 3]
    .map((i) => `${f.slide(i)}
        (local.set $any ${i === 0 ? prefilterBit(f.digest) : `(i32.or (local.get $any) ${prefilterBit(f.digest)})`})`)
    .join('\n        ')
  return `
  (func (export "${name}") (param $p i32) (param $last i32) (param $k i32) ${f.params} (result i32)
    (local $b i32) (local $m i32) (local $q i32) (local $any i32) (local $dg i32) (local $last4 i32) (local $end i32) (local $slot i32) (local $a i32) (local $shift i32) ${f.locals}
    ${f.load}
    (local.set $shift (global.get $bitmapShift))
    (i32.store offset=${KERNEL_STATE + 8} (i32.const 0) (i32.const 0))
    (local.set $last4 (i32.sub (local.get $last) (i32.const 4)))
    (block $out
      (loop $outer
        ${f.enter ?? ''}
        (block $slow
          (loop $four
            (if (i32.gt_s (local.get $p) (local.get $last4))
              (then
                ${f.leave ?? ''}
                (br $slow)))
            ${f.save}
            (local.set $q (i32.add (local.get $p) (local.get $k)))
            ${turn}
            (if (i32.and (local.get $any) (i32.const 1))
              (then
                ${f.flagged ?? `;; a set bit in this turn: back to its start, and go through it one window at a time
                ${f.restore}
                (br $slow)`}))
            ${f.advance ?? ''}
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $four)))
        ;; one window at a time: the flagged turn, or the last three windows before \`last\`
        (local.set $end (select (i32.add (local.get $p) (i32.const 4)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 4)) (local.get $last))))
        (block $turnDone
          (loop $one
            (br_if $turnDone (i32.ge_s (local.get $p) (local.get $end)))
            ${f.slide(0, '(i32.add (local.get $p) (local.get $k))')}
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (if (i32.and ${prefilterBit(f.digest)} (i32.const 1))
              (then
                ${probe(f.digest, f.store)}))
            (br $one)))
        (br_if $outer (i32.lt_s (local.get $p) (local.get $last)))))
    ${f.store}
    (local.get $p))`
}

function s1s2Shape(load: 'i32.load8_s' | 'i32.load8_u'): SumShape {
  // The turn's sums are in $v1/$v2 (every lane the window at p); the scalars are set from them only
  // when the loop hands over to the one-window path.
  const toScalars = '(local.set $s1 (i32x4.extract_lane 0 (local.get $v1))) (local.set $s2 (i32x4.extract_lane 0 (local.get $v2)))'
  return {
    params: '(param $kOff i32)',
    locals: '(local $s1 i32) (local $s2 i32) (local $o i32) (local $v1 v128) (local $v2 v128) (local $vo v128) (local $vd v128) (local $vs1 v128) (local $vs2 v128) (local $vb v128) (local $vw v128) (local $vk v128) (local $vkOff v128) (local $vg v128) (local $vm v128)',
    slide: (i, inAddr) => s1s2Slide(load, i, inAddr),
    digest: S1S2_DIGEST,
    save: '',
    restore: toScalars,
    load: `(local.set $s1 (i32.load offset=${KERNEL_STATE} (i32.const 0))) (local.set $s2 (i32.load offset=${KERNEL_STATE + 4} (i32.const 0)))
    (local.set $vk (i32x4.splat (local.get $k))) (local.set $vkOff (i32x4.splat (local.get $kOff)))`,
    store: `(i32.store offset=${KERNEL_STATE} (i32.const 0) (local.get $s1)) (i32.store offset=${KERNEL_STATE + 4} (i32.const 0) (local.get $s2))`,
    simdTurn: s1s2SimdTurn(load === 'i32.load8_s'),
    enter: '(local.set $v1 (i32x4.splat (local.get $s1))) (local.set $v2 (i32x4.splat (local.get $s2)))',
    leave: toScalars,
    advance: `(local.set $v1 ${lane3('(local.get $vs1)')}) (local.set $v2 ${lane3('(local.get $vs2)')})`,
    flagged: s1s2SimdFlagged(),
  }
}

const RABIN_KARP: SumShape = {
  params: '(param $mk i32) (param $mkAdj i32)',
  locals: '(local $h i32) (local $t i32)',
  slide: rabinKarpSlide,
  digest: '(local.get $h)',
  save: '(local.set $t (local.get $h))',
  restore: '(local.set $h (local.get $t))',
  load: `(local.set $h (i32.load offset=${KERNEL_STATE} (i32.const 0)))`,
  store: `(i32.store offset=${KERNEL_STATE} (i32.const 0) (local.get $h))`,
}

/**
 * s1/s2 of the window at p, four bytes a turn as rsync's get_checksum1 does (s2 gains 4·s1 + 4·b0 +
 * 3·b1 + 2·b2 + b3 per four bytes), each byte plus `off`.
 */
function s1s2Sum(name: string, load: 'i32.load8_s' | 'i32.load8_u'): string {
  const b = (i: number) => `(i32.add (${load} offset=${KERNEL_DATA + i} (local.get $p)) (local.get $off))`
  return `
  (func (export "${name}") (param $p i32) (param $k i32) (param $off i32)
    (local $s1 i32) (local $s2 i32) (local $end i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local.set $end (i32.add (local.get $p) (i32.and (local.get $k) (i32.const -4))))
    (block $done4
      (loop $four
        (br_if $done4 (i32.ge_s (local.get $p) (local.get $end)))
        (local.set $b0 ${b(0)}) (local.set $b1 ${b(1)}) (local.set $b2 ${b(2)}) (local.set $b3 ${b(3)})
        (local.set $s2 (i32.add (local.get $s2) (i32.add
          (i32.shl (i32.add (local.get $s1) (local.get $b0)) (i32.const 2))
          (i32.add (i32.mul (local.get $b1) (i32.const 3)) (i32.add (i32.shl (local.get $b2) (i32.const 1)) (local.get $b3))))))
        (local.set $s1 (i32.add (local.get $s1) (i32.add (i32.add (local.get $b0) (local.get $b1)) (i32.add (local.get $b2) (local.get $b3)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $four)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $k) (i32.const 3))))
    (block $done
      (loop $one
        (br_if $done (i32.ge_s (local.get $p) (local.get $end)))
        (local.set $s1 (i32.add (local.get $s1) ${b(0)}))
        (local.set $s2 (i32.add (local.get $s2) (local.get $s1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $one)))
    (i32.store offset=${KERNEL_STATE} (i32.const 0) (local.get $s1))
    (i32.store offset=${KERNEL_STATE + 4} (i32.const 0) (local.get $s2)))`
}

/** The module's text. */
export const ROLLING_KERNEL_WAT = `;; generated by strategies/rolling/rolling-kernel-wat.ts: read that file
(module
  (memory (export "memory") ${Math.ceil(KERNEL_DATA / 65536) + 1})
  ;; The prefilter: bucket = (weak · GOLDEN) >>> bitmapShift.
  (global $bitmapShift (export "bitmapShift") (mut i32) (i32.const ${BITMAP_SHIFT}))
  ;; The weak-sum table: its address, and slot = (weak · GOLDEN) >>> tableShift, & tableMask when probing on.
  (global $table (export "table") (mut i32) (i32.const 0))
  (global $tableShift (export "tableShift") (mut i32) (i32.const 32))
  (global $tableMask (export "tableMask") (mut i32) (i32.const 0))
  ;; rsync's sum: bytes are signed chars, no offset (kOff = 0).
  ${rollFunction('rollSigned', s1s2Shape('i32.load8_s'))}
  ;; librsync's rollsum: unsigned bytes plus 31 each (kOff = 31·k).
  ${rollFunction('rollUnsigned', s1s2Shape('i32.load8_u'))}
  ;; librsync's RabinKarp, mk = MULT^k and mkAdj = mk·ADJ (ADJ = (MULT − 1)·seed).
  ${rollFunction('rollRabinKarp', RABIN_KARP)}
  ${s1s2Sum('sumSigned', 'i32.load8_s')}
  ${s1s2Sum('sumUnsigned', 'i32.load8_u')}
  ;; RabinKarp of the window at p from the seed: h = h·MULT + byte.
  (func (export "sumRabinKarp") (param $p i32) (param $k i32)
    (local $h i32) (local $end i32)
    (local.set $h (i32.const ${RK_SEED}))
    (local.set $end (i32.add (local.get $p) (local.get $k)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_s (local.get $p) (local.get $end)))
        (local.set $h (i32.add (i32.mul (local.get $h) (i32.const ${hex(RK_MULT)})) (i32.load8_u offset=${KERNEL_DATA} (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $one)))
    (i32.store offset=${KERNEL_STATE} (i32.const 0) (local.get $h)))
)
`
