/**
 * The FastCDC 2020 loop in WebAssembly text. `npm run build:wasm` compiles it (wabt) into
 * fastcdc-kernel-wasm.ts; test/fastcdc.test.ts checks that file is this text compiled.
 *
 * Why WASM: the hash is 64 bits. In JavaScript it is two 32-bit halves with a carry (fastcdc-js.ts),
 * several operations a byte; here it is one i64 shift, load and add, and the mask test one i64 and.
 * `npm run bench:primitives -- cdc` measures both in one run.
 *
 * Memory (byte addresses):
 *   [0, 2048)       gear: 256 little-endian u64 (the seeded table)
 *   [2048, 4096)    gearLs: the same shifted left one bit
 *   4096            the hash at the last cut (u64, out)
 *   4104, 4112      maskS, maskL (u64)
 *   4120, 4124, 4128  min, avg, max (u32)
 *   DATA …          the bytes being chunked; cut(p, n) reads [DATA + p, DATA + p + min(n, max))
 */
export const FASTCDC_GEAR = 0
export const FASTCDC_GEAR_LS = 2048
export const FASTCDC_STATE = 4096
export const FASTCDC_DATA = 4160

/**
 * One normalised phase: pairs of bytes from $a to $stop (exclusive, both absolute, $stop even from
 * the chunk start); a match returns the chunk length, leaving the hash at STATE.
 */
function phase(maskLs: string, mask: string): string {
  return `
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $a) (local.get $stop)))
        (local.set $h (i64.add (i64.shl (local.get $h) (i64.const 2))
          (i64.load offset=${FASTCDC_GEAR_LS} (i32.shl (i32.load8_u (local.get $a)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get ${maskLs})))
          (then (i64.store (i32.const ${FASTCDC_STATE}) (local.get $h))
                (return (i32.sub (local.get $a) (local.get $base)))))
        (local.set $h (i64.add (local.get $h)
          (i64.load offset=${FASTCDC_GEAR} (i32.shl (i32.load8_u offset=1 (local.get $a)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get ${mask})))
          (then (i64.store (i32.const ${FASTCDC_STATE}) (local.get $h))
                (return (i32.add (i32.sub (local.get $a) (local.get $base)) (i32.const 1)))))
        (local.set $a (i32.add (local.get $a) (i32.const 2)))
        (br $pair)))`
}

export const FASTCDC_KERNEL_WAT = `
(module
  (memory (export "memory") 2)
  ;; cut(p, n): the length of the chunk at DATA + p with n bytes left in the data.
  (func (export "cut") (param $p i32) (param $n i32) (result i32)
    (local $h i64) (local $ms i64) (local $ml i64) (local $msls i64) (local $mlls i64)
    (local $min i32) (local $center i32) (local $rem i32) (local $max i32)
    (local $base i32) (local $a i32) (local $stop i32)
    (local.set $min (i32.load (i32.const ${FASTCDC_STATE + 24})))
    (local.set $center (i32.load (i32.const ${FASTCDC_STATE + 28})))
    (local.set $max (i32.load (i32.const ${FASTCDC_STATE + 32})))
    (local.set $rem (local.get $n))
    (i64.store (i32.const ${FASTCDC_STATE}) (i64.const 0))
    (if (i32.le_u (local.get $rem) (local.get $min)) (then (return (local.get $rem))))
    (if (i32.gt_u (local.get $rem) (local.get $max))
      (then (local.set $rem (local.get $max)))
      (else (if (i32.lt_u (local.get $rem) (local.get $center)) (then (local.set $center (local.get $rem))))))
    (local.set $ms (i64.load (i32.const ${FASTCDC_STATE + 8})))
    (local.set $ml (i64.load (i32.const ${FASTCDC_STATE + 16})))
    (local.set $msls (i64.shl (local.get $ms) (i64.const 1)))
    (local.set $mlls (i64.shl (local.get $ml) (i64.const 1)))
    (local.set $base (i32.add (local.get $p) (i32.const ${FASTCDC_DATA})))
    (local.set $a (i32.add (local.get $base) (i32.and (local.get $min) (i32.const -2))))
    (local.set $stop (i32.add (local.get $base) (i32.and (local.get $center) (i32.const -2))))
    ${phase('$msls', '$ms')}
    (local.set $stop (i32.add (local.get $base) (i32.and (local.get $rem) (i32.const -2))))
    ${phase('$mlls', '$ml')}
    (i64.store (i32.const ${FASTCDC_STATE}) (local.get $h))
    (local.get $rem))
)
`
