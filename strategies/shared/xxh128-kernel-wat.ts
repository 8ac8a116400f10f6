/**
 * XXH3-128 (xxHash 0.8, seed 0, the default secret) in WebAssembly text: the same digest as hash-wasm's
 * `xxh128`, bit for bit (test/xxh128-kernel.test.ts checks every length 0..5000 and large ones), but hashing
 * bytes where they already are, in the module's own memory, and many blocks in one call. `npm run
 * build:wasm` compiles it (wabt) into xxh128-kernel-wasm.ts.
 *
 * Why: hash-wasm copies every block into its own memory and makes three calls per hash (init, update,
 * digest), which at 512 B costs more than the hashing. Here a caller reads its blocks straight into this
 * module's memory (or copies them in once, a batch at a time) and `hashBlocks` hashes them all.
 *
 * Speed: the long path's accumulate loop runs on WASM SIMD (Node 20 has it): 64 bytes a stripe as four
 * i64x2 lanes, the 32×32→64 products by i64x2.extmul_low_i32x4_u. WASM has no 64×64→128 multiply, so the
 * short paths and the final merge build it from 32-bit halves (as xxHash's portable code does); the
 * helpers below write it in place, since V8 (Node 20) does not inline WASM calls.
 *
 * Memory (byte addresses):
 *   [0, 192)      the default secret (a data segment)
 *   [256, …)      free for the caller: blocks to hash and the digests written (the JS side lays it out)
 *
 * hash128(p, len, out): the 16-byte digest of [p, p + len) at out, in the canonical order (high 64 bits
 * big-endian, then low 64 bits big-endian), which is hash-wasm's `digest('binary')`.
 * hashBlocks(p, count, blockSize, lastLen, out): `count` consecutive blocks from p (the last `lastLen`
 * bytes long), their digests at out, 16 bytes each.
 * streamInit(st), streamUpdate(st, p, len), streamDigest(st, out): the same digest fed piece by piece, the
 * state at st (XXH_STREAM_STATE bytes the caller reserves); whole stripes of a piece are hashed where the
 * piece is. Only the module with a memory of its own has them (the rolling kernel's copy does not).
 */

/** Where the caller's area starts. */
export const XXH_FREE = 256

// xxHash's primes, the XXH3 constants and its 192-byte default secret (xxhash.h 0.8, as hash-wasm has them).
const P32_1 = 0x9e3779b1n
const P32_2 = 0x85ebca77n
const P32_3 = 0xc2b2ae3dn
const P64_1 = 0x9e3779b185ebca87n
const P64_2 = 0xc2b2ae3d27d4eb4fn
const P64_3 = 0x165667b19e3779f9n
const P64_4 = 0x85ebca77c2b2ae63n
const P64_5 = 0x27d4eb2f165667c5n
const MX1 = 0x165667919e3779f9n
const MX2 = 0x9fb21c651e98df25n
const SECRET_HEX =
  'b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671fcb79e64eccc0e578825ad07dccff7221' +
  'b8084674f743248ee03590e6813a264c3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8' +
  'a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364eac5ac8334d3ebc3c581a0fffa1363eb' +
  '170ddd51b7f0da49d316552629d4689e2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e'

const c = (v: bigint) => `(i64.const 0x${v.toString(16)})`
const get = (name: string) => `(local.get $${name})`
/** The secret's 8 bytes at `at` (little-endian), as an i64 expression. */
/** Where the secret starts: a placeholder the module text fills in (0, or an imported global beside another kernel's memory). */
const S = '__SECRET__'
const sec = (at: number) => `(i64.load offset=${at} ${S})`
/** The input's 8 bytes at p + `at`. */
const in64 = (at: string | number, base = get('p')) => (typeof at === 'number' ? `(i64.load offset=${at} ${base})` : `(i64.load (i32.add ${base} ${at}))`)
const xorshift = (e: string, s: number) => `(i64.xor ${e} (i64.shr_u ${e} (i64.const ${s})))`

/** Locals every function using mul128 declares. */
const MUL_LOCALS = '(local $x i64) (local $y i64) (local $ll i64) (local $hl i64) (local $lh i64) (local $cr i64) (local $lo i64) (local $hi i64)'

/** $lo, $hi = the 128-bit product of $x and $y, from 32-bit halves (xxHash's XXH_mult64to128 portable code). */
function mul128(): string {
  const M = '(i64.const 0xffffffff)'
  return `(local.set $ll (i64.mul (i64.and $X ${M}) (i64.and $Y ${M})))
    (local.set $hl (i64.mul (i64.shr_u $X (i64.const 32)) (i64.and $Y ${M})))
    (local.set $lh (i64.mul (i64.and $X ${M}) (i64.shr_u $Y (i64.const 32))))
    (local.set $cr (i64.add (i64.add (i64.shr_u $LL (i64.const 32)) (i64.and $HL ${M})) $LH))
    (local.set $hi (i64.add (i64.add (i64.shr_u $HL (i64.const 32)) (i64.shr_u $CR (i64.const 32))) (i64.mul (i64.shr_u $X (i64.const 32)) (i64.shr_u $Y (i64.const 32)))))
    (local.set $lo (i64.mul $X $Y))`
    .replaceAll('$X', get('x'))
    .replaceAll('$Y', get('y'))
    .replaceAll('$LL', get('ll'))
    .replaceAll('$HL', get('hl'))
    .replaceAll('$LH', get('lh'))
    .replaceAll('$CR', get('cr'))
}

/** Statements leaving in $r the fold (lo ^ hi of the 128-bit product) of expressions a and b. */
function fold(a: string, b: string, r: string): string {
  return `(local.set $x ${a}) (local.set $y ${b}) ${mul128()} (local.set $${r} (i64.xor ${get('lo')} ${get('hi')}))`
}

/** XXH3_avalanche of a local, in place. */
function avalanche3(v: string): string {
  return `(local.set $${v} ${xorshift(get(v), 37)}) (local.set $${v} (i64.mul ${get(v)} ${c(MX1)})) (local.set $${v} ${xorshift(get(v), 32)})`
}

/** XXH64_avalanche of a local, in place. */
function avalanche64(v: string): string {
  return `(local.set $${v} ${xorshift(get(v), 33)}) (local.set $${v} (i64.mul ${get(v)} ${c(P64_2)}))
    (local.set $${v} ${xorshift(get(v), 29)}) (local.set $${v} (i64.mul ${get(v)} ${c(P64_3)})) (local.set $${v} ${xorshift(get(v), 32)})`
}

/**
 * XXH128_mix32B with seed 0, on $al/$ah: input_1 and input_2 are i32 address expressions, s the secret offset.
 * mix16B(in, s) = fold(read(in) ^ read(s), read(in + 8) ^ read(s + 8)).
 */
function mix32(in1: string, in2: string, s: number): string {
  return `(local.set $q1 ${in1}) (local.set $q2 ${in2})
    ${fold(`(i64.xor ${in64(0, get('q1'))} ${sec(s)})`, `(i64.xor ${in64(8, get('q1'))} ${sec(s + 8)})`, 'm')}
    (local.set $al (i64.xor (i64.add ${get('al')} ${get('m')}) (i64.add ${in64(0, get('q2'))} ${in64(8, get('q2'))})))
    ${fold(`(i64.xor ${in64(0, get('q2'))} ${sec(s + 16)})`, `(i64.xor ${in64(8, get('q2'))} ${sec(s + 24)})`, 'm')}
    (local.set $ah (i64.xor (i64.add ${get('ah')} ${get('m')}) (i64.add ${in64(0, get('q1'))} ${in64(8, get('q1'))})))`
}

const MID_LOCALS = `${MUL_LOCALS} (local $al i64) (local $ah i64) (local $m i64) (local $q1 i32) (local $q2 i32) (local $n i64)`

/** The end of the 17..240-byte paths: h.low = avalanche(al + ah), h.high = −avalanche(al·P1 + ah·P4 + len·P2). */
const MID_END = `(local.set $lo (i64.add ${get('al')} ${get('ah')}))
    (local.set $hi (i64.add (i64.add (i64.mul ${get('al')} ${c(P64_1)}) (i64.mul ${get('ah')} ${c(P64_4)})) (i64.mul ${get('n')} ${c(P64_2)})))
    ${avalanche3('lo')} ${avalanche3('hi')}
    (i64.sub (i64.const 0) ${get('hi')}) (local.set $hi) ${get('lo')} ${get('hi')}`

// ---- the short paths ---------------------------------------------------------------------------

const LEN_0TO16 = `(func $len0to16 (param $p i32) (param $len i32) (result i64 i64) ${MUL_LOCALS} (local $k i64) (local $w i64) (local $c i32)
    (if (i32.gt_u ${get('len')} (i32.const 8)) (then
      ;; 9to16: m = (lo ^ hi ^ bitflipl) × P1; m.lo += (len − 1) << 54; hi ^= bitfliph; m.hi += hi + (u32)hi × (P32_2 − 1)
      (local.set $w (i64.load (i32.sub (i32.add ${get('p')} ${get('len')}) (i32.const 8))))
      (local.set $x (i64.xor (i64.xor ${in64(0)} ${get('w')}) (i64.xor ${sec(32)} ${sec(40)})))
      (local.set $y ${c(P64_1)})
      ${mul128()}
      (local.set $lo (i64.add ${get('lo')} (i64.shl (i64.extend_i32_u (i32.sub ${get('len')} (i32.const 1))) (i64.const 54))))
      (local.set $w (i64.xor ${get('w')} (i64.xor ${sec(48)} ${sec(56)})))
      (local.set $hi (i64.add ${get('hi')} (i64.add ${get('w')} (i64.mul (i64.and ${get('w')} (i64.const 0xffffffff)) ${c(P32_2 - 1n)}))))
      ;; m.lo ^= swap64(m.hi); h = m.lo × P2 (128-bit); h.hi += m.hi × P2
      (local.set $k ${get('hi')})
      (local.set $x (i64.xor ${get('lo')} ${bswap64(get('hi'))}))
      (local.set $y ${c(P64_2)})
      ${mul128()}
      (local.set $hi (i64.add ${get('hi')} (i64.mul ${get('k')} ${c(P64_2)})))
      ${avalanche3('lo')} ${avalanche3('hi')}
      ${get('lo')} ${get('hi')} (return)))
    (if (i32.ge_u ${get('len')} (i32.const 4)) (then
      ;; 4to8: keyed = (in_lo | in_hi << 32) ^ bitflip; m = keyed × (P1 + (len << 2))
      (local.set $x (i64.xor
        (i64.or (i64.load32_u ${get('p')}) (i64.shl (i64.load32_u (i32.sub (i32.add ${get('p')} ${get('len')}) (i32.const 4))) (i64.const 32)))
        (i64.xor ${sec(16)} ${sec(24)})))
      (local.set $y (i64.add ${c(P64_1)} (i64.extend_i32_u (i32.shl ${get('len')} (i32.const 2)))))
      ${mul128()}
      (local.set $hi (i64.add ${get('hi')} (i64.shl ${get('lo')} (i64.const 1))))
      (local.set $lo (i64.xor ${get('lo')} (i64.shr_u ${get('hi')} (i64.const 3))))
      (local.set $lo ${xorshift(get('lo'), 35)})
      (local.set $lo (i64.mul ${get('lo')} ${c(MX2)}))
      (local.set $lo ${xorshift(get('lo'), 28)})
      ${avalanche3('hi')}
      ${get('lo')} ${get('hi')} (return)))
    (if (i32.ne ${get('len')} (i32.const 0)) (then
      ;; 1to3: combined = c1 << 16 | c2 << 24 | c3 | len << 8; its byte swap rotated by 13 for the high half
      (local.set $c (i32.or (i32.or (i32.shl (i32.load8_u ${get('p')}) (i32.const 16)) (i32.shl (i32.load8_u (i32.add ${get('p')} (i32.shr_u ${get('len')} (i32.const 1)))) (i32.const 24)))
        (i32.or (i32.load8_u (i32.sub (i32.add ${get('p')} ${get('len')}) (i32.const 1))) (i32.shl ${get('len')} (i32.const 8)))))
      (local.set $lo (i64.xor (i64.extend_i32_u ${get('c')}) (i64.extend_i32_u (i32.xor (i32.load ${S}) (i32.load offset=4 ${S})))))
      (local.set $hi (i64.xor (i64.extend_i32_u (i32.rotl ${bswap32(get('c'))} (i32.const 13))) (i64.extend_i32_u (i32.xor (i32.load offset=8 ${S}) (i32.load offset=12 ${S})))))
      ${avalanche64('lo')} ${avalanche64('hi')}
      ${get('lo')} ${get('hi')} (return)))
    (local.set $lo (i64.xor ${sec(64)} ${sec(72)}))
    (local.set $hi (i64.xor ${sec(80)} ${sec(88)}))
    ${avalanche64('lo')} ${avalanche64('hi')}
    ${get('lo')} ${get('hi')})`

function bswap32(e: string): string {
  return `(i32.or (i32.or (i32.shl ${e} (i32.const 24)) (i32.and (i32.shl ${e} (i32.const 8)) (i32.const 0xff0000)))
    (i32.or (i32.and (i32.shr_u ${e} (i32.const 8)) (i32.const 0xff00)) (i32.shr_u ${e} (i32.const 24))))`
}

function bswap64(e: string): string {
  const lo = bswap32(`(i32.wrap_i64 ${e})`)
  const hi = bswap32(`(i32.wrap_i64 (i64.shr_u ${e} (i64.const 32)))`)
  return `(i64.or (i64.shl (i64.extend_i32_u ${lo}) (i64.const 32)) (i64.extend_i32_u ${hi}))`
}

const LEN_17TO128 = `(func $len17to128 (param $p i32) (param $len i32) (result i64 i64) ${MID_LOCALS}
    (local.set $n (i64.extend_i32_u ${get('len')}))
    (local.set $al (i64.mul ${get('n')} ${c(P64_1)}))
    (local.set $ah (i64.const 0))
    (if (i32.gt_u ${get('len')} (i32.const 32)) (then
      (if (i32.gt_u ${get('len')} (i32.const 64)) (then
        (if (i32.gt_u ${get('len')} (i32.const 96)) (then
          ${mix32(`(i32.add ${get('p')} (i32.const 48))`, `(i32.sub (i32.add ${get('p')} ${get('len')}) (i32.const 64))`, 96)}))
        ${mix32(`(i32.add ${get('p')} (i32.const 32))`, `(i32.sub (i32.add ${get('p')} ${get('len')}) (i32.const 48))`, 64)}))
      ${mix32(`(i32.add ${get('p')} (i32.const 16))`, `(i32.sub (i32.add ${get('p')} ${get('len')}) (i32.const 32))`, 32)}))
    ${mix32(get('p'), `(i32.sub (i32.add ${get('p')} ${get('len')}) (i32.const 16))`, 0)}
    ${MID_END})`

const LEN_129TO240 = `(func $len129to240 (param $p i32) (param $len i32) (result i64 i64) ${MID_LOCALS} (local $i i32) (local $rounds i32)
    (local.set $n (i64.extend_i32_u ${get('len')}))
    (local.set $al (i64.mul ${get('n')} ${c(P64_1)}))
    (local.set $ah (i64.const 0))
    ${[0, 1, 2, 3].map((i) => mix32(`(i32.add ${get('p')} (i32.const ${32 * i}))`, `(i32.add ${get('p')} (i32.const ${32 * i + 16}))`, 32 * i)).join('\n    ')}
    ${avalanche3('al')} ${avalanche3('ah')}
    (local.set $rounds (i32.shr_u ${get('len')} (i32.const 5)))
    (local.set $i (i32.const 4))
    (block $done (loop $round
      (br_if $done (i32.ge_u ${get('i')} ${get('rounds')}))
      ;; the secret moves on by 32 a round from offset 3: mix32 reads it at a variable address here
      ${mix32(`(i32.add ${get('p')} (i32.shl ${get('i')} (i32.const 5)))`, `(i32.add (i32.add ${get('p')} (i32.shl ${get('i')} (i32.const 5))) (i32.const 16))`, 0)
        .replaceAll(new RegExp(`\\(i64\\.load offset=(\\d+) ${S}\\)`, 'g'), (_m, off: string) => `(i64.load offset=${Number(off) + 3} (i32.add ${S} (i32.shl (i32.sub ${get('i')} (i32.const 4)) (i32.const 5))))`)}
      (local.set $i (i32.add ${get('i')} (i32.const 1)))
      (br $round)))
    ;; the last 32 bytes, the halves swapped, at secret 136 − 17 − 16 (seed 0: −seed is 0 too)
    ${mix32(`(i32.sub (i32.add ${get('p')} ${get('len')}) (i32.const 16))`, `(i32.sub (i32.add ${get('p')} ${get('len')}) (i32.const 32))`, 136 - 17 - 16)}
    ${MID_END})`

// ---- the long path (more than 240 bytes) --------------------------------------------------------

/** The accumulators' pairs, acc[2j], acc[2j + 1] in lane 0, 1 of $aj. */
const ACCS = [0, 1, 2, 3].map((j) => `a${j}`)

/**
 * One 64-byte stripe at $q with the secret at $s (byte offset): for each 8-byte lane i, acc[i ^ 1] +=
 * data[i] and acc[i] += lo32(data[i] ^ key[i]) × hi32(data[i] ^ key[i]).
 */
function stripe(q: string, s: string): string {
  return ACCS.map((a, j) => `(local.set $d (v128.load offset=${16 * j} ${q}))
      (local.set $k (v128.xor ${get('d')} (v128.load offset=${16 * j} ${s})))
      (local.set $${a} (i64x2.add (i64x2.add ${get(a)} (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get('d')} ${get('d')}))
        (i64x2.extmul_low_i32x4_u
          (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 ${get('k')} ${get('k')})
          (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15 ${get('k')} ${get('k')}))))`).join('\n      ')
}

/** `count` stripes from $q on, the secret from offset 0 moving 8 bytes a stripe; leaves $q after them. */
function stripes(count: string): string {
  return `(local.set $s ${S})
      (local.set $e (i32.add ${get('q')} (i32.shl ${count} (i32.const 6))))
      (block $end (loop $next
        (br_if $end (i32.ge_u ${get('q')} ${get('e')}))
        ${stripe(get('q'), get('s'))}
        (local.set $q (i32.add ${get('q')} (i32.const 64)))
        (local.set $s (i32.add ${get('s')} (i32.const 8)))
        (br $next)))`
}

/** acc ^= acc >> 47; acc ^= secret[128 …]; acc ×= P32_1. */
const SCRAMBLE = ACCS.map((a, j) => `(local.set $${a} (i64x2.mul (v128.xor (v128.xor ${get(a)} (i64x2.shr_u ${get(a)} (i32.const 47))) (v128.load offset=${128 + 16 * j} ${S})) ${get('prime')}))`).join('\n      ')

/** $r = avalanche(start + Σ fold(acc[2j] ^ secret[at + 16j], acc[2j + 1] ^ secret[at + 16j + 8])). */
function mergeAccs(at: number, start: string, r: string): string {
  const parts = ACCS.map((a, j) => `(local.set $k (v128.xor ${get(a)} (v128.load offset=${at + 16 * j} ${S})))
      ${fold(`(i64x2.extract_lane 0 ${get('k')})`, `(i64x2.extract_lane 1 ${get('k')})`, 'm')}
      (local.set $${r} (i64.add ${get(r)} ${get('m')}))`)
  return `(local.set $${r} ${start})\n      ${parts.join('\n      ')}\n      ${avalanche3(r)}`
}

const LONG = `(func $long (param $p i32) (param $len i32) (result i64 i64) ${MUL_LOCALS} (local $m i64) (local $n i64) (local $r i64) (local $t i64)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $d v128) (local $k v128) (local $prime v128)
    (local $q i32) (local $s i32) (local $e i32) (local $blocks i32) (local $last i32)
    (local.set $a0 (v128.const i64x2 ${P32_3} ${BigInt.asIntN(64, P64_1)}))
    (local.set $a1 (v128.const i64x2 ${BigInt.asIntN(64, P64_2)} ${P64_3}))
    (local.set $a2 (v128.const i64x2 ${BigInt.asIntN(64, P64_4)} ${P32_2}))
    (local.set $a3 (v128.const i64x2 ${P64_5} ${P32_1}))
    (local.set $prime (v128.const i64x2 ${P32_1} ${P32_1}))
    ;; 1 KiB blocks of 16 stripes, each followed by a scramble; then the stripes of the last partial block
    (local.set $q ${get('p')})
    (local.set $blocks (i32.shr_u (i32.sub ${get('len')} (i32.const 1)) (i32.const 10)))
    (local.set $last (i32.add ${get('p')} (i32.shl ${get('blocks')} (i32.const 10))))
    (block $blocksDone (loop $block
      (br_if $blocksDone (i32.ge_u ${get('q')} ${get('last')}))
      ${stripes('(i32.const 16)')}
      ${SCRAMBLE}
      (br $block)))
    ${stripes(`(i32.shr_u (i32.and (i32.sub ${get('len')} (i32.const 1)) (i32.const 1023)) (i32.const 6))`)}
    ;; the last stripe: the input's last 64 bytes, the secret at 192 − 64 − 7
    (local.set $q (i32.sub (i32.add ${get('p')} ${get('len')}) (i32.const 64)))
    (local.set $s (i32.add ${S} (i32.const ${192 - 64 - 7})))
    ${stripe(get('q'), get('s'))}
    (local.set $n (i64.extend_i32_u ${get('len')}))
    ${mergeAccs(11, `(i64.mul ${get('n')} ${c(P64_1)})`, 'r')}
    ${mergeAccs(192 - 64 - 11, `(i64.xor (i64.mul ${get('n')} ${c(P64_2)}) (i64.const -1))`, 't')}
    ${get('r')} ${get('t')})`

/** Stores lo, hi at $out as the canonical 16 bytes: hi big-endian, then lo big-endian (one byte shuffle). */
const STORE = `(func $store (param $out i32) (param $lo i64) (param $hi i64)
    (v128.store ${get('out')} (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0
      (i64x2.replace_lane 1 (i64x2.splat ${get('lo')}) ${get('hi')}) (i64x2.splat ${get('lo')}))))`

const HASH = `(func $hash (export "hash128") (param $p i32) (param $len i32) (param $out i32)
    (if (i32.le_u ${get('len')} (i32.const 16)) (then (call $store ${get('out')} (call $len0to16 ${get('p')} ${get('len')})) (return)))
    (if (i32.le_u ${get('len')} (i32.const 128)) (then (call $store ${get('out')} (call $len17to128 ${get('p')} ${get('len')})) (return)))
    (if (i32.le_u ${get('len')} (i32.const 240)) (then (call $store ${get('out')} (call $len129to240 ${get('p')} ${get('len')})) (return)))
    (call $store ${get('out')} (call $long ${get('p')} ${get('len')})))`

const HASH_BLOCKS = `(func (export "hashBlocks") (param $p i32) (param $count i32) (param $bs i32) (param $lastLen i32) (param $out i32)
    (if (i32.eqz ${get('count')}) (then (return)))
    (block $done (loop $next
      (local.set $count (i32.sub ${get('count')} (i32.const 1)))
      (br_if $done (i32.eqz ${get('count')}))
      (call $hash ${get('p')} ${get('bs')} ${get('out')})
      (local.set $p (i32.add ${get('p')} ${get('bs')}))
      (local.set $out (i32.add ${get('out')} (i32.const 16)))
      (br $next)))
    (call $hash ${get('p')} ${get('lastLen')} ${get('out')}))`

// ---- streaming: init / update / digest with the state in the module's memory -----------------------
//
// The state at $st (XXH_STREAM_STATE bytes, 64-byte aligned, laid out by the caller):
//   [0, 64)    the accumulators a0..a3        [64, 72)  the total length fed (i64)
//   [72, 76)   bytes buffered                 [76, 80)  stripes consumed in the current 1 KiB block
//   [128, 384) the buffer: the first 256 bytes until more arrive, then the bytes after the last stripe
//              consumed, the 64 before them kept at [320, 384) (xxHash's XXH3_state_t layout, in effect)
//   [384, 448) the last stripe, put together at digest time when it straddles [320, 384) and [128, …)
// A stripe is consumed only once a byte after it has arrived, so when the digest comes every stripe
// but the last has been, in order: the one-shot's sequence, whatever the split (tested against hash-wasm).

/** Bytes of a stream's state (xxh128-kernel.ts reserves them at a 64-byte aligned address). */
export const XXH_STREAM_STATE = 448
const BUF = 128
const LAST = 384

const LOAD_ACCS = ACCS.map((a, j) => `(local.set $${a} (v128.load offset=${16 * j} ${get('st')}))`).join(' ')
const STORE_ACCS = ACCS.map((a, j) => `(v128.store offset=${16 * j} ${get('st')} ${get(a)})`).join(' ')
const ACC_LOCALS = '(local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $d v128) (local $k v128)'

/** $n stripes from $q into the state's accumulators, scrambling whenever a 16-stripe block fills. */
const CONSUME = `(func $consume (param $st i32) (param $q i32) (param $n i32) ${ACC_LOCALS} (local $prime v128)
    (local $s i32) (local $e i32) (local $cnt i32) (local $take i32)
    (local.set $prime (v128.const i64x2 ${P32_1} ${P32_1}))
    ${LOAD_ACCS}
    (local.set $cnt (i32.load offset=76 ${get('st')}))
    (block $done (loop $more
      (br_if $done (i32.eqz ${get('n')}))
      (local.set $take (i32.sub (i32.const 16) ${get('cnt')}))
      (if (i32.lt_u ${get('n')} ${get('take')}) (then (local.set $take ${get('n')})))
      (local.set $s (i32.add ${S} (i32.shl ${get('cnt')} (i32.const 3))))
      (local.set $e (i32.add ${get('q')} (i32.shl ${get('take')} (i32.const 6))))
      (block $end (loop $next
        (br_if $end (i32.ge_u ${get('q')} ${get('e')}))
        ${stripe(get('q'), get('s'))}
        (local.set $q (i32.add ${get('q')} (i32.const 64)))
        (local.set $s (i32.add ${get('s')} (i32.const 8)))
        (br $next)))
      (local.set $cnt (i32.add ${get('cnt')} ${get('take')}))
      (local.set $n (i32.sub ${get('n')} ${get('take')}))
      (if (i32.eq ${get('cnt')} (i32.const 16)) (then
        ${SCRAMBLE}
        (local.set $cnt (i32.const 0))))
      (br $more)))
    ${STORE_ACCS}
    (i32.store offset=76 ${get('st')} ${get('cnt')}))`

const STREAM_INIT = `(func (export "streamInit") (param $st i32)
    (v128.store offset=0 ${get('st')} (v128.const i64x2 ${P32_3} ${BigInt.asIntN(64, P64_1)}))
    (v128.store offset=16 ${get('st')} (v128.const i64x2 ${BigInt.asIntN(64, P64_2)} ${P64_3}))
    (v128.store offset=32 ${get('st')} (v128.const i64x2 ${BigInt.asIntN(64, P64_4)} ${P32_2}))
    (v128.store offset=48 ${get('st')} (v128.const i64x2 ${P64_5} ${P32_1}))
    (i64.store offset=64 ${get('st')} (i64.const 0))
    (i64.store offset=72 ${get('st')} (i64.const 0)))`

/** Feeds [p, p + len): whole stripes are consumed where they are; only the bytes after them are copied. */
const STREAM_UPDATE = `(func (export "streamUpdate") (param $st i32) (param $p i32) (param $len i32) (local $b i32) (local $fill i32) (local $n i32) (local $buf i32)
    (i64.store offset=64 ${get('st')} (i64.add (i64.load offset=64 ${get('st')}) (i64.extend_i32_u ${get('len')})))
    (local.set $b (i32.load offset=72 ${get('st')}))
    (local.set $buf (i32.add ${get('st')} (i32.const ${BUF})))
    (if (i32.le_u ${get('len')} (i32.sub (i32.const 256) ${get('b')})) (then
      (memory.copy (i32.add ${get('buf')} ${get('b')}) ${get('p')} ${get('len')})
      (i32.store offset=72 ${get('st')} (i32.add ${get('b')} ${get('len')}))
      (return)))
    (if ${get('b')} (then
      ;; fill the buffer and consume its four stripes: a byte after them is in hand
      (local.set $fill (i32.sub (i32.const 256) ${get('b')}))
      (memory.copy (i32.add ${get('buf')} ${get('b')}) ${get('p')} ${get('fill')})
      (local.set $p (i32.add ${get('p')} ${get('fill')}))
      (local.set $len (i32.sub ${get('len')} ${get('fill')}))
      (call $consume ${get('st')} ${get('buf')} (i32.const 4))))
    ;; every whole stripe but the one holding the last byte, in place; the 64 bytes before the rest are kept
    (local.set $n (i32.shr_u (i32.sub ${get('len')} (i32.const 1)) (i32.const 6)))
    (if ${get('n')} (then
      (call $consume ${get('st')} ${get('p')} ${get('n')})
      (local.set $p (i32.add ${get('p')} (i32.shl ${get('n')} (i32.const 6))))
      (local.set $len (i32.sub ${get('len')} (i32.shl ${get('n')} (i32.const 6))))
      (memory.copy (i32.add ${get('buf')} (i32.const 192)) (i32.sub ${get('p')} (i32.const 64)) (i32.const 64))))
    (memory.copy ${get('buf')} ${get('p')} ${get('len')})
    (i32.store offset=72 ${get('st')} ${get('len')}))`

/** The digest of everything fed, at out; consumes the buffered stripes (the state is not fed after it). */
const STREAM_DIGEST = `(func (export "streamDigest") (param $st i32) (param $out i32) ${MUL_LOCALS} ${ACC_LOCALS}
    (local $m i64) (local $n i64) (local $r i64) (local $t i64) (local $b i32) (local $buf i32) (local $q i32) (local $s i32)
    (local.set $n (i64.load offset=64 ${get('st')}))
    (local.set $buf (i32.add ${get('st')} (i32.const ${BUF})))
    ;; up to 240 bytes: all of them are still in the buffer, and the one-shot's short paths apply
    (if (i64.le_u ${get('n')} (i64.const 240)) (then (call $hash ${get('buf')} (i32.wrap_i64 ${get('n')}) ${get('out')}) (return)))
    (local.set $b (i32.load offset=72 ${get('st')}))
    (if (i32.ge_u ${get('b')} (i32.const 64))
      (then
        (call $consume ${get('st')} ${get('buf')} (i32.shr_u (i32.sub ${get('b')} (i32.const 1)) (i32.const 6)))
        (local.set $q (i32.sub (i32.add ${get('buf')} ${get('b')}) (i32.const 64))))
      (else
        ;; the last stripe straddles: the kept bytes' tail, then the buffered ones
        (local.set $q (i32.add ${get('st')} (i32.const ${LAST})))
        (memory.copy ${get('q')} (i32.add ${get('buf')} (i32.add (i32.const 192) ${get('b')})) (i32.sub (i32.const 64) ${get('b')}))
        (memory.copy (i32.sub (i32.add ${get('q')} (i32.const 64)) ${get('b')}) ${get('buf')} ${get('b')})))
    ${LOAD_ACCS}
    (local.set $s (i32.add ${S} (i32.const ${192 - 64 - 7})))
    ${stripe(get('q'), get('s'))}
    ${mergeAccs(11, `(i64.mul ${get('n')} ${c(P64_1)})`, 'r')}
    ${mergeAccs(192 - 64 - 11, `(i64.xor (i64.mul ${get('n')} ${c(P64_2)}) (i64.const -1))`, 't')}
    (call $store ${get('out')} ${get('r')} ${get('t')}))`

const STREAM_FUNCS = [CONSUME, STREAM_INIT, STREAM_UPDATE, STREAM_DIGEST].join('\n  ')

const secretData = SECRET_HEX.match(/../g)!.map((b) => `\\${b}`).join('')
const FUNCS = [LEN_0TO16, LEN_17TO128, LEN_129TO240, LONG, STORE, HASH, HASH_BLOCKS].join('\n  ')

/** The module with a memory of its own, the secret at 0. */
export const XXH128_KERNEL_WAT = `;; generated by strategies/shared/xxh128-kernel-wat.ts: read that file
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "${secretData}")
  ${FUNCS.replaceAll(S, '(i32.const 0)')}
  ${STREAM_FUNCS.replaceAll(S, '(i32.const 0)')})
`

/**
 * The same functions on another module's memory (imported as env.memory), the secret written at
 * env.secret (192 bytes the owner keeps free): so the rolling scan hashes its window where its own
 * kernel read the source, with no copy.
 */
export const XXH128_ON_MEMORY_WAT = `;; generated by strategies/shared/xxh128-kernel-wat.ts: read that file
(module
  (import "env" "memory" (memory 1))
  (import "env" "secret" (global $secret i32))
  (data (global.get $secret) "${secretData}")
  ${FUNCS.replaceAll(S, '(global.get $secret)')})
`
