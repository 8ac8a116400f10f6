/**
 * The second code cell of every notebook: the one aggregation (core/aggregation.ts) in Python, the cell
 * table built with it, and the text formats the TypeScript outputs use (core/units.ts formatBytes,
 * analysis/charts/format.ts formatRatio, formatMs, blockLabel), so a notebook's figures read as the
 * terminal's and the report's. test/notebooks.test.ts checks a notebook's figures against analysis/cell-figures.ts.
 */
import { AGGREGATION } from '../core/aggregation.ts'
import { bytesExpr } from '../analysis/charts/format.ts'

export function aggregationCode(): string {
  return String.raw`
AGGREGATION = ${JSON.stringify(AGGREGATION)}
# Byte axes read 4 KiB, 1.5 MiB (the report's charts' expression, analysis/charts/format.ts bytesExpr), not 1,048,576.
BYTES_AXIS = alt.Axis(labelExpr=${JSON.stringify(bytesExpr('datum.value'))})


def _per_repeat(g, per_sync):
    """A seed's statistic; with --repeat, each repeat's, then their median (one disturbed repeat does not move it)."""
    if g['repeat'].nunique() <= 1:
        return per_sync(g)
    values = [v for _, r in g.groupby('repeat') for v in [per_sync(r)] if v is not None]
    return float(pd.Series(values).median()) if values else None


def mean_per_sync(col):
    """Per seed: the mean of a column per sync over its epochs; rows where it is null are left out."""
    def per_sync(g):
        v = pd.to_numeric(g[col], errors='coerce').dropna()
        return float(v.mean()) if len(v) else None
    return lambda g: _per_repeat(g, per_sync)


def ratio_per_seed(num, den):
    """Per seed: Σ num ÷ Σ den over its epochs (not a mean of per-sync ratios); None when a den is missing or Σ is 0."""
    def per_sync(g):
        d = pd.to_numeric(g[den], errors='coerce')
        if d.isna().any() or d.sum() <= 0:
            return None
        return float(pd.to_numeric(g[num]).sum() / d.sum())
    return lambda g: _per_repeat(g, per_sync)


def across_seeds(g, per_seed):
    """The cell figure: one value per seed, then their median with min and max (n: seeds)."""
    values = [v for _, s in g.groupby('seed') for v in [per_seed(s)] if v is not None and math.isfinite(v)]
    if not values:
        return None
    s = pd.Series(values)
    return {'median': float(s.median()), 'min': float(s.min()), 'max': float(s.max()), 'n': len(values)}


def cell_table(rows):
    """One line per cell (strategy × workload × block, in order of first appearance), each figure by the one aggregation."""
    out = []
    for (strategy, workload, block), g in rows.groupby(['strategy', 'workload', 'block'], sort=False, dropna=False):
        figures = {
            'bytes': across_seeds(g, mean_per_sync('bytes_total')),
            'vs_oracle': across_seeds(g, ratio_per_seed('bytes_total', 'oracle_bytes')),
            'vs_local': across_seeds(g, ratio_per_seed('bytes_total', 'local_floor_bytes')),
            'cpu_ms': across_seeds(g, mean_per_sync('cpu_ms')),
            'est_ms': across_seeds(g, mean_per_sync('est_sync_ms')),
            'signature_share': across_seeds(g, ratio_per_seed('bytes_signature', 'bytes_total')),
            'tracker_ms': across_seeds(g, mean_per_sync('tracker_ms')),
            'tracker_device_bytes': across_seeds(g, mean_per_sync('tracker_device_bytes')),
            'kept_state': across_seeds(g, mean_per_sync('kept_state_bytes')),
            'tracker_state': across_seeds(g, mean_per_sync('tracker_state_bytes')),
            'sender_state': across_seeds(g, mean_per_sync('sender_state_bytes')),
            'receiver_state': across_seeds(g, mean_per_sync('receiver_state_bytes')),
        }
        line = {'strategy': strategy, 'workload': workload, 'block': block, 'syncs': len(g), 'wrong': int((~g['correct'].astype(bool)).sum()),
                'seeds': g['seed'].nunique(), 'tracking': bool(g['tracker_ms'].notna().any())}
        for name, f in figures.items():
            line[name] = f['median'] if f else None
            line[name + '_min'] = f['min'] if f else None
            line[name + '_max'] = f['max'] if f else None
        out.append(line)
    return pd.DataFrame(out)


def _fixed(v, places):
    # JavaScript's toFixed rounds the exact binary value half up; Decimal(v) is that exact value.
    return str(Decimal(v).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def fmt_bytes(n):
    """As core/units.ts formatBytes, after rounding to whole bytes: 512 B, 4.00 KiB, 12.3 MiB."""
    n = int(Decimal(n).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if abs(n) < 1024:
        return f'{n} B'
    v, unit = n / 1024, 'KiB'
    for bigger in ['MiB', 'GiB', 'TiB']:
        if abs(v) < 1024:
            break
        v, unit = v / 1024, bigger
    return f'{_fixed(v, 0 if v >= 100 else 1 if v >= 10 else 2)} {unit}'


def fmt_ratio(x):
    return f'{_fixed(x, 0 if x >= 100 else 1 if x >= 10 else 2)}×'


def fmt_ms(ms):
    return f'{_fixed(ms, 0 if ms >= 100 else 1 if ms >= 10 else 2 if ms >= 0.1 else 3)} ms'


def block_text(b):
    """A block size as people write it (512 B, 4 KiB), or "any" for a strategy that ignores it."""
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return 'any'
    b, units = int(b), ['B', 'KiB', 'MiB', 'GiB']
    v, i = b, 0
    while v >= 1024 and v % 1024 == 0 and i < len(units) - 1:
        v, i = v // 1024, i + 1
    return fmt_bytes(b) if i == 0 and b >= 1024 else f'{v} {units[i]}'


def geomean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def overlaps(a_min, a_max, b_min, b_max):
    """True when two ranges over seeds overlap: the run does not separate the two."""
    return a_min <= b_max and b_min <= a_max


cells = cell_table(rows)
cells['block_text'] = cells['block'].map(block_text)
print(f'{len(cells)} cells; {AGGREGATION}')
`
}
