/**
 * The one column list. The CSV header, the JSON rows, the README's column table and the summary all come
 * from here, so they cannot drift apart. Rows are long-format: one per (strategy, options, workload,
 * block size, seed, epoch), the shape Vega-Lite and notebooks want.
 */
type ColumnType = 'string' | 'integer' | 'number' | 'boolean'

interface ColumnSpec {
  readonly type: ColumnType
  readonly nullable?: boolean
  readonly unit?: string
  readonly description: string
}

export const COLUMNS = {
  run_id: { type: 'string', description: 'run directory name' },
  strategy: { type: 'string', description: 'strategy name' },
  strategy_options: { type: 'string', description: 'resolved strategy options as JSON' },
  workload: { type: 'string', description: 'workload name' },
  workload_options: { type: 'string', description: 'resolved workload options as JSON' },
  content: { type: 'string', description: 'content model of the data' },
  block_size: { type: 'integer', unit: 'B', description: 'block size the strategy ran with' },
  uses_block_size: { type: 'boolean', description: 'false when the strategy ignores the block size (xdelta3, zstd-patch, whole-file, rules that pick their own): it ran once per workload and seed, at block_size, and its rows stand for every block size of the sweep' },
  sync_state: { type: 'string', description: 'steady: a priming sync of the strategy\'s own ran first, uncounted, so the row measures a sync in its steady state; cold: the first sync from a fresh start (--cold, or a priming sync that failed)' },
  seed: { type: 'string', description: 'workload seed' },
  epoch: { type: 'integer', description: 'epoch (sync number), 1-based' },
  volume_bytes: { type: 'integer', unit: 'B', description: 'source size after the epoch' },
  replica_bytes_before: { type: 'integer', unit: 'B', description: 'replica size before the sync' },
  mutations: { type: 'integer', description: 'edits the workload made in the epoch' },
  source_write_bytes: { type: 'integer', unit: 'B', description: 'bytes the source device wrote in the epoch (shifted tails included)' },
  oracle_bytes: { type: 'integer', nullable: true, unit: 'B', description: 'new bytes the edits wrote that survive the epoch, plus a minimal extent encoding (empty for a file pair). Not a floor: matching moved or repeated data, or compressing, goes under it (under_floor says why)' },
  oracle_new_bytes: { type: 'integer', nullable: true, unit: 'B', description: 'surviving new bytes of the epoch (no encoding)' },
  local_floor_bytes: { type: 'integer', nullable: true, unit: 'B', description: 'the practical floor: the smaller of two local deltas of the epoch made with both versions in one place (zstd --patch-from with long-range matching, and xdelta3 -9; their levels by --floor, their flags in local_floor_tool); empty with --floor off or when a tool is missing' },
  local_floor_tool: { type: 'string', nullable: true, description: 'which local delta gave local_floor_bytes, with its flags, e.g. zstd -9 --long=25 --patch-from (empty with --floor off)' },
  vs_local: { type: 'number', nullable: true, description: 'bytes_total / local_floor_bytes (1 = as small as the best local delta)' },
  under_floor: { type: 'string', nullable: true, description: 'why bytes_total is below oracle_bytes or local_floor_bytes (empty when it is not)' },
  bytes_down: { type: 'integer', unit: 'B', description: 'bytes sender→receiver, framing included' },
  bytes_up: { type: 'integer', unit: 'B', description: 'bytes receiver→sender, framing included' },
  bytes_total: { type: 'integer', unit: 'B', description: 'bytes_down + bytes_up' },
  frames_down: { type: 'integer', description: 'frames sender→receiver' },
  frames_up: { type: 'integer', description: 'frames receiver→sender' },
  flights: { type: 'integer', description: 'one-way batches of frames (each change of direction starts one)' },
  round_trips: { type: 'number', description: 'flights / 2: latency of the sync is round_trips × RTT' },
  bytes_signature: { type: 'integer', unit: 'B', description: 'bytes of block signatures (hashes)' },
  bytes_manifest: { type: 'integer', unit: 'B', description: 'bytes of snapshot manifests' },
  bytes_literal: { type: 'integer', unit: 'B', description: 'bytes of literal data' },
  bytes_copy: { type: 'integer', unit: 'B', description: 'bytes of copy instructions' },
  bytes_control: { type: 'integer', unit: 'B', description: 'bytes of headers, indexes, acknowledgements' },
  bytes_framing: { type: 'integer', unit: 'B', description: 'per-frame length prefixes added by the transport' },
  efficiency: { type: 'number', nullable: true, description: 'bytes_total / oracle_bytes ("× oracle"; below 1 only with the reason in under_floor)' },
  sender_cpu_ms: { type: 'number', unit: 'ms', description: 'CPU (user+system) in the sender half' },
  receiver_cpu_ms: { type: 'number', unit: 'ms', description: 'CPU (user+system) in the receiver half' },
  sender_wall_ms: { type: 'number', unit: 'ms', description: 'wall time in the sender half' },
  receiver_wall_ms: { type: 'number', unit: 'ms', description: 'wall time in the receiver half' },
  sync_wall_ms: { type: 'number', unit: 'ms', description: 'wall time of the whole sync (both halves, channel)' },
  tracker_ms: { type: 'number', nullable: true, unit: 'ms', description: 'time in the tracker during the epoch\'s writes (write-time cost)' },
  tracker_writes: { type: 'integer', nullable: true, description: 'device writes the tracker observed in the epoch' },
  tracker_state_bytes: { type: 'integer', nullable: true, unit: 'B', description: 'tracker state held after the sync (serialised bitmap, journal index)' },
  tracker_device_bytes: { type: 'integer', nullable: true, unit: 'B', description: 'bytes the tracker wrote to its device in the epoch (journal write amplification)' },
  sender_state_bytes: { type: 'integer', unit: 'B', description: 'state the sender keeps between syncs' },
  receiver_state_bytes: { type: 'integer', unit: 'B', description: 'state the receiver keeps between syncs' },
  correct: { type: 'boolean', description: 'replica equals the source byte for byte after the sync' },
  first_diff_offset: { type: 'integer', nullable: true, unit: 'B', description: 'first offset where replica and source differ (empty when correct)' },
  error: { type: 'string', nullable: true, description: 'error a half raised (the replica is then unchanged)' },
  repeat: { type: 'integer', description: 'repetition of the cell (1..--repeat); bytes must be identical across repeats' },
  compression: { type: 'string', description: 'compression stage on the channel: none, gzip:L, brotli:L, zstd:L or adaptive' },
  bytes_uncompressed: { type: 'integer', unit: 'B', description: 'what bytes_total would have been with no compression stage' },
  compression_ratio: { type: 'number', nullable: true, description: 'bytes_uncompressed / bytes_total (empty with no compression)' },
  est_profile: { type: 'string', description: 'network profile of the time estimate (lan, wan, mobile, cross-region or custom)' },
  est_model: { type: 'string', description: 'cost model of the estimate: serial (nothing overlaps) or pipelined (transfer and CPU overlap)' },
  est_sync_ms: { type: 'number', unit: 'ms', description: 'estimated time to sync on est_profile: flights × RTT/2 + bytes ÷ bandwidth each way + CPU each side (the sender\'s with tracker_ms: tracking and snapshots), per est_model' },
  tracker_device_held_bytes: { type: 'integer', nullable: true, unit: 'B', description: 'bytes on the tracker\'s device when the sync started (journal not yet truncated)' },
  fault: { type: 'string', nullable: true, description: 'fault injected in this run (--fault; empty without one)' },
  fault_rate: { type: 'number', nullable: true, description: 'probability of the fault per unit it applies to (--fault-rate)' },
  faults_injected: { type: 'integer', nullable: true, description: 'fault events that hit in the epoch (dropped blocks, lost notifications, shifted offsets, resets, crashes)' },
  caught_by_harness: { type: 'boolean', nullable: true, description: 'with --fault: the replica came out wrong and only the harness\'s byte check saw it (no error, no self-verify detection)' },
  self_verify_bytes: { type: 'integer', nullable: true, unit: 'B', description: 'bytes of the strategy\'s self-verification: digest, plus the repair pass when it ran (framing included; empty without selfVerify)' },
  self_detected: { type: 'boolean', nullable: true, description: 'the strategy\'s own digest check found the replica wrong and ran its repair pass (empty without selfVerify)' },
  self_repaired: { type: 'boolean', nullable: true, description: 'self_detected and the replica came out byte-exact, as the harness checked (empty without selfVerify)' },
  trace: { type: 'string', description: 'where the write trace came from: recorded (the workload\'s own writes: edits, SQLite\'s WAL, a block trace), synthesised (from the byte difference of two images; no oracle), none (before/after images only)' },
  child_cpu_ms: { type: 'number', nullable: true, unit: 'ms', description: 'CPU of child processes (real tools), measured by the kernel; included in sender_cpu_ms/receiver_cpu_ms (empty when none ran)' },
  effective_block_size: { type: 'integer', nullable: true, unit: 'B', description: 'block size actually used, when a rule (rsync, librsync) picks it from the volume size' },
  strong_bytes: { type: 'integer', nullable: true, unit: 'B', description: 'bytes of strong sum per block in the first signature (after any auto rule)' },
  delta_passes: { type: 'integer', nullable: true, description: 'delta passes: 2 when the whole-volume digest caught a wrong match and full-length sums were resent' },
  weak_hits: { type: 'integer', nullable: true, description: 'telemetry: offsets whose weak sum was found in the block table (strong sum then checked)' },
  false_alarms: { type: 'integer', nullable: true, description: 'telemetry: weak hits where no candidate block\'s strong sum matched' },
  block_matches: { type: 'integer', nullable: true, description: 'telemetry: blocks matched (copied from the replica)' },
  max_chain: { type: 'integer', nullable: true, description: 'telemetry: most candidate blocks checked at one offset (capped by maxCandidates)' },
  sums_cached: { type: 'integer', nullable: true, description: 'telemetry: block sums the receiver reused from its cache instead of recomputing' },
  literal_data: { type: 'integer', nullable: true, unit: 'B', description: 'telemetry: literal bytes in the delta, as rsync\'s "Literal data" (the tool\'s own count for tools)' },
  matched_data: { type: 'integer', nullable: true, unit: 'B', description: 'telemetry: bytes rebuilt from the replica, as rsync\'s "Matched data"' },
  chunk_min: { type: 'integer', nullable: true, unit: 'B', description: 'telemetry: smallest chunk of the new version (content-defined chunking)' },
  chunk_median: { type: 'integer', nullable: true, unit: 'B', description: 'telemetry: median chunk of the new version (content-defined chunking)' },
  chunk_max: { type: 'integer', nullable: true, unit: 'B', description: 'telemetry: largest chunk of the new version (content-defined chunking)' },
  dedup_ratio: { type: 'number', nullable: true, description: 'matched_data / volume_bytes: the share of the new version\'s bytes rebuilt from the replica (empty when matched_data is)' },
} as const satisfies Record<string, ColumnSpec>

export type ColumnName = keyof typeof COLUMNS
export const COLUMN_NAMES = Object.keys(COLUMNS) as ColumnName[]

type ValueOf<T extends ColumnSpec> = (T['type'] extends 'string' ? string : T['type'] extends 'boolean' ? boolean : number) | (T extends { nullable: true } ? null : never)

export type ResultRow = { [K in ColumnName]: ValueOf<(typeof COLUMNS)[K]> }

/** Checks a row has exactly the columns, of the right types; a bug in the harness, not the user's fault. */
export function checkRow(row: Record<string, unknown>): ResultRow {
  for (const name of COLUMN_NAMES) {
    const spec: ColumnSpec = COLUMNS[name]
    const v = row[name]
    if (v === null || v === undefined) {
      if (spec.nullable && v === null) continue
      throw new Error(`record: column ${name} is ${v === null ? 'null' : 'missing'}`)
    }
    const ok = spec.type === 'string' ? typeof v === 'string' : spec.type === 'boolean' ? typeof v === 'boolean' : typeof v === 'number' && Number.isFinite(v) && (spec.type !== 'integer' || Number.isInteger(v))
    if (!ok) throw new Error(`record: column ${name} should be ${spec.type}, got ${JSON.stringify(v)}`)
  }
  for (const k of Object.keys(row)) if (!(k in COLUMNS)) throw new Error(`record: unknown column ${k}`)
  return row as ResultRow
}

/** The column table in Markdown, for the README (test/readme checks it is current). */
export function columnsMarkdown(): string {
  const lines = ['| column | type | unit | meaning |', '| --- | --- | --- | --- |']
  for (const name of COLUMN_NAMES) {
    const c: ColumnSpec = COLUMNS[name]
    lines.push(`| \`${name}\` | ${c.type}${c.nullable ? '?' : ''} | ${c.unit ?? ''} | ${c.description} |`)
  }
  return lines.join('\n')
}
