/**
 * FastCDC's cut masks by number of one bits (index 5 to 25; 0-4 unused). The paper spreads the one bits
 * over the hash's upper bits rather than packing them at the bottom (it reports slightly better dedup);
 * these are the spread masks of its C reference (64 B to 128 KiB) and of restic's FastCDC (the rest),
 * the ones the fastcdc crate uses and so the ones its cut-point vectors need. All fit in 48 bits.
 */
export const FASTCDC_MASKS: readonly bigint[] = [
  0n, 0n, 0n, 0n, 0n,
  0x0000000001804110n, // 5: only with normalisation 3 at 256 B
  0x0000000001803110n, // 6: 64 B
  0x0000000018035100n, // 7: 128 B
  0x0000001800035300n, // 8: 256 B
  0x0000019000353000n, // 9: 512 B
  0x0000590003530000n, // 10: 1 KiB
  0x0000d90003530000n, // 11: 2 KiB
  0x0000d90103530000n, // 12: 4 KiB
  0x0000d90303530000n, // 13: 8 KiB
  0x0000d90313530000n, // 14: 16 KiB
  0x0000d90f03530000n, // 15: 32 KiB
  0x0000d90303537000n, // 16: 64 KiB
  0x0000d90703537000n, // 17: 128 KiB
  0x0000d90707537000n, // 18: 256 KiB
  0x0000d91707537000n, // 19: 512 KiB
  0x0000d91747537000n, // 20: 1 MiB
  0x0000d91767537000n, // 21: 2 MiB
  0x0000d93767537000n, // 22: 4 MiB
  0x0000d93777537000n, // 23: 8 MiB
  0x0000d93777577000n, // 24: 16 MiB
  0x0000db3777577000n, // 25: only with normalisation 3 at 4 MiB
]

/** The mask's bit count for an average size: log2 rounded to the nearest (the crate's rule, so 12 KiB picks 16 KiB's). */
export function maskBits(avg: number): number {
  return Math.round(Math.log2(avg))
}
