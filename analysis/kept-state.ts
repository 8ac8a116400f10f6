/**
 * Every byte a strategy keeps between syncs is state, whoever keeps it: the tracker's (bitmap, journal
 * index), the sender's (snapshot-diff's manifest, a tool's kept old version) and the receiver's (caches, the
 * acknowledged manifest). Outputs that show state show these three, summed and by kind, so a strategy whose
 * state sits on the sender does not read as keeping nothing.
 */
import type { ResultRow } from '../core/result-row.ts'

/** The kinds of kept state, in the order outputs list them, each with its column. */
export const STATE_KINDS = [
  { kind: 'tracker', value: (r: ResultRow) => r.tracker_state_bytes ?? 0 },
  { kind: 'sender', value: (r: ResultRow) => r.sender_state_bytes },
  { kind: 'receiver', value: (r: ResultRow) => r.receiver_state_bytes },
] as const

/** The words outputs put beside the figure, so a reader knows what is counted. */
export const KEPT_STATE_WORDS = 'state kept between syncs: tracker + sender + receiver'

/** Bytes of state this sync left kept, all kinds together. */
export function keptStateBytes(r: ResultRow): number {
  return (r.tracker_state_bytes ?? 0) + r.sender_state_bytes + r.receiver_state_bytes
}
