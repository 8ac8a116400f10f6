/**
 * Notebook: comparing the strategies. Were the replicas right; which strategy sends the fewest bytes on each
 * workload (each at its best block size), how far from the oracle and the local floor, at what CPU; the
 * bytes-against-CPU trade-off and its Pareto front; the ranking across workloads.
 */
import type { Analysis } from './analysis.ts'

const CORRECTNESS = String.raw`
wrong = rows[~rows['correct'].astype(bool)]
if len(wrong) == 0:
    display(Markdown(f'Every one of the {len(rows)} syncs left a byte-exact replica.'))
else:
    display(Markdown(f'**{len(wrong)} of {len(rows)} syncs left a WRONG replica**: those byte counts are not results until that is fixed.'))
alt.Chart(cells).mark_rect().encode(
    x=alt.X('workload:N', sort=ORDER['workload']), y=alt.Y('strategy:N', sort=ORDER['strategy']),
    color=alt.condition('datum.wrong > 0', alt.value('#d62728'), alt.value('#9ecae1')),
    tooltip=['strategy', 'workload', 'block_text', 'syncs', 'wrong'],
).properties(title='Syncs left wrong (red: any)', width=240)
`

const BEST = String.raw`
def best_per_strategy(workload):
    """Each strategy at its fewest bytes per sync (cell median) on one workload, fewest first (ties keep run order)."""
    mine = cells[cells['workload'] == workload]
    best = mine.loc[mine.groupby('strategy', sort=False)['bytes'].idxmin()]
    return best.sort_values('bytes', kind='stable')


best = pd.concat([best_per_strategy(w) for w in ORDER['workload']])
table = best[['workload', 'strategy', 'block_text', 'bytes', 'bytes_min', 'bytes_max', 'vs_oracle', 'vs_local', 'cpu_ms', 'syncs', 'wrong']].copy()
for col in ['bytes', 'bytes_min', 'bytes_max']:
    table[col] = table[col].map(fmt_bytes)
for col in ['vs_oracle', 'vs_local']:
    table[col] = table[col].map(lambda x: '–' if x is None or pd.isna(x) else fmt_ratio(x))
table['cpu_ms'] = table['cpu_ms'].map(fmt_ms)
display(table.rename(columns={'block_text': 'best block', 'bytes': 'bytes / sync', 'vs_oracle': '× oracle', 'vs_local': '× local', 'cpu_ms': 'CPU / sync'}).set_index(['workload', 'strategy']))

points = alt.Chart().mark_point(filled=True, size=70).encode(
    x=alt.X('bytes:Q', scale=alt.Scale(type='log'), axis=BYTES_AXIS, title='bytes per sync (median over seeds)'),
    y=alt.Y('strategy:N', sort=ORDER['strategy'], title=None), color=alt.Color('strategy:N', sort=ORDER['strategy'], legend=None),
    tooltip=['strategy', 'workload', 'block_text', 'bytes', 'bytes_min', 'bytes_max', 'vs_oracle', 'cpu_ms'])
whiskers = alt.Chart().mark_rule().encode(x='bytes_min:Q', x2='bytes_max:Q', y=alt.Y('strategy:N', sort=ORDER['strategy']), color=alt.Color('strategy:N', sort=ORDER['strategy'], legend=None))
alt.layer(whiskers, points, data=best).properties(width=420).facet(row=alt.Row('workload:N', sort=ORDER['workload']), title='Each strategy at its best block size (whiskers: min–max over seeds)')
`

const TRADEOFF = String.raw`
def pareto(group):
    """The cells no other cell beats on both bytes and CPU (the front a design review picks from)."""
    keep = []
    for i, c in group.iterrows():
        beaten = ((group['bytes'] <= c['bytes']) & (group['cpu_ms'] <= c['cpu_ms']) & ((group['bytes'] < c['bytes']) | (group['cpu_ms'] < c['cpu_ms']))).any()
        keep.append(not beaten)
    return group[keep]


cells['pareto'] = False
for w in ORDER['workload']:
    front = pareto(cells[(cells['workload'] == w) & cells['cpu_ms'].notna()])
    cells.loc[front.index, 'pareto'] = True
alt.Chart(cells).mark_point(filled=True).encode(
    x=alt.X('bytes:Q', scale=alt.Scale(type='log'), axis=BYTES_AXIS, title='bytes per sync'), y=alt.Y('cpu_ms:Q', scale=alt.Scale(type='log'), title='CPU per sync, both halves (ms)'),
    color=alt.Color('strategy:N', sort=ORDER['strategy']), shape=alt.Shape('block_text:N', title='block'),
    size=alt.condition('datum.pareto', alt.value(160), alt.value(40)),
    tooltip=['strategy', 'workload', 'block_text', 'bytes', 'cpu_ms', 'pareto'],
).properties(width=260, height=200).facet(column=alt.Column('workload:N', sort=ORDER['workload']), title='Bytes against CPU (large: on the Pareto front)')
`

const CONCLUSION = String.raw`
def at(c):
    return f"{c['strategy']} (any block size)" if c['block_text'] == 'any' else f"{c['strategy']} at {c['block_text']}"


def ratio_text(c):
    return '' if pd.isna(c['vs_oracle']) else f", {fmt_ratio(c['vs_oracle'])} the oracle"


lines = []
wrong = rows[~rows['correct'].astype(bool)]
lines.append(f'- Every one of the {len(rows)} syncs left a byte-exact replica.' if len(wrong) == 0 else
             f'- **{len(wrong)} of {len(rows)} syncs left a WRONG replica** (' + '; '.join(dict.fromkeys(f"{r.strategy} on {r.workload}" for r in wrong.itertuples())) + ').')
for w in ORDER['workload']:
    ranked = [c for _, c in best_per_strategy(w).iterrows()]
    first = ranked[0]
    s = f"- **{w}**: {at(first)} sends the fewest bytes, {fmt_bytes(first['bytes'])} per sync{ratio_text(first)}"
    if len(ranked) > 1:
        second = ranked[1]
        s += f"; next is {at(second)} with {fmt_bytes(second['bytes'])}{ratio_text(second)}"
        if overlaps(first['bytes_min'], first['bytes_max'], second['bytes_min'], second['bytes_max']):
            s += ' (their ranges over seeds overlap: this run does not separate the two)'
    if len(ranked) > 2:
        s += f"; {ranked[-1]['strategy']} sends the most, {fmt_bytes(ranked[-1]['bytes'])}"
    front = cells[(cells['workload'] == w) & cells['pareto']]
    s += '. Pareto front (bytes against CPU): ' + ', '.join(at(c) for _, c in front.sort_values('bytes').iterrows()) + '.'
    lines.append(s)
scores = []
for strategy in ORDER['strategy']:
    mine = best[best['strategy'] == strategy]
    ratios = [x for x in mine['vs_oracle'] if not pd.isna(x) and x > 0]
    if ratios:
        scores.append((geomean(ratios), strategy, len(ratios), float(mine['cpu_ms'].median())))
if scores:
    n = max(s[2] for s in scores)
    lines.append(f'- Across {n} workload{"s" if n != 1 else ""} (geometric mean of bytes sent ÷ oracle, each strategy at its best block size per workload): '
                 + ', '.join(f'{s} {fmt_ratio(g)}' + ('' if k == n else f' (on {k} workloads only)') for g, s, k, _ in sorted(scores)) + '.')
    lines.append('- CPU per sync at those block sizes (both halves, median over workloads): ' + ', '.join(f'{s} {fmt_ms(c)}' for _, s, _, c in sorted(scores, key=lambda x: x[3])) + '.')
else:
    lines.append('- This run has no oracle (a file pair has no edit list), so the ranking above is by bytes alone.')
conclusion = '\n'.join(lines)
display(Markdown('## Conclusion\n\n' + conclusion))
`

export const compareStrategies: Analysis = {
  name: 'compare-strategies',
  title: 'Comparing the strategies across workloads',
  question: 'Which strategy brings a replica up to date with the fewest bytes on each workload, how far is that from the oracle (what the edits need) and from the best local delta, at what CPU, and was every replica byte-exact?',
  addCells(nb) {
    nb.markdown('## Were the replicas right?\nA byte count means nothing if the replica came out wrong, so this comes first.').code(CORRECTNESS)
    nb.markdown('## Each strategy at its best block size\nPer workload, each strategy at the block size where it sent fewest bytes (the cell figure), with × oracle, × local (the best local delta) and CPU.').code(BEST)
    nb.markdown('## Bytes against CPU\nThe Pareto front is what a design review picks from: everything off it is beaten on both counts.').code(TRADEOFF)
    nb.markdown('The conclusion below is written by the cell from the figures above; none of it is typed in.').code(CONCLUSION)
  },
}
