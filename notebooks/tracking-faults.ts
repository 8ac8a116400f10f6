/**
 * Notebook: what tracking costs and what tracking faults cost. Per tracking strategy: time in the tracker
 * while the workload writes, every byte of state it keeps between syncs (tracker + sender + receiver, as
 * analysis/kept-state.ts counts it) and its device writes. With fault rows (a run with --fault): per fault
 * and strategy, the syncs left wrong, who noticed (self-verification, or only the harness's byte check) and
 * the bytes against clean syncs.
 */
import type { Analysis } from './analysis.ts'

const COST = String.raw`
tracking = cells[cells['tracking']]
if len(tracking) == 0:
    display(Markdown('No tracking strategy (a row with tracker_ms) ran in this run: there is no write-time cost to show.'))
kinds = tracking.melt(id_vars=['strategy', 'workload', 'block_text'], value_vars=['tracker_state', 'sender_state', 'receiver_state'], var_name='kind', value_name='state_bytes')
kinds['kind'] = kinds['kind'].str.replace('_state', '', regex=False)
kinds = kinds.fillna({'state_bytes': 0}).groupby(['strategy', 'block_text', 'kind'], sort=False, as_index=False)['state_bytes'].median()
alt.Chart(kinds).mark_bar().encode(
    x=alt.X('block_text:N', title='block size', sort=[block_text(b) for b in sorted({int(b) for b in cells['block'].dropna()})] + ['any']),
    y=alt.Y('state_bytes:Q', axis=BYTES_AXIS, title='bytes kept between syncs (median over workloads)', stack='zero'),
    color=alt.Color('kind:N', sort=['tracker', 'sender', 'receiver']), tooltip=['strategy', 'block_text', 'kind', 'state_bytes'],
).properties(width=160, height=200).facet(column=alt.Column('strategy:N', sort=ORDER['strategy']), title='State kept between syncs: tracker + sender + receiver').resolve_scale(y='independent')  # a bitmap's 259 B beside a 32 KiB manifest
`

const FAULTS = String.raw`
faulted = rows[rows['fault'].notna()]
if len(faulted) == 0:
    display(Markdown('None: no row of this run records an injected fault (run a matrix with --fault to measure one). The costs above are the baseline a fault run is compared with.'))
    fault_cells = pd.DataFrame(columns=['fault', 'strategy', 'syncs', 'wrong', 'events', 'harness_only', 'self_detected', 'self_repaired'])
else:
    fault_cells = faulted.groupby(['fault', 'strategy'], sort=False).apply(lambda g: pd.Series({
        'syncs': len(g), 'wrong': int((~g['correct'].astype(bool)).sum()), 'events': int(pd.to_numeric(g['faults_injected']).fillna(0).sum()),
        'harness_only': int((g['caught_by_harness'] == True).sum()),  # noqa: E712 (None is neither)
        'self_detected': int((g['self_detected'] == True).sum()) if g['self_detected'].notna().any() else None,  # noqa: E712
        'self_repaired': int((g['self_repaired'] == True).sum()) if g['self_detected'].notna().any() else None,  # noqa: E712
    })).reset_index()
    fault_cells['share_wrong'] = fault_cells['wrong'] / fault_cells['syncs']
    display(fault_cells.set_index(['fault', 'strategy']))
    display(alt.Chart(fault_cells).mark_bar().encode(
        x=alt.X('share_wrong:Q', axis=alt.Axis(format='%'), title='syncs left wrong'), y=alt.Y('strategy:N', sort=ORDER['strategy']),
        color=alt.condition('datum.wrong > 0', alt.value('#d62728'), alt.value('#9ecae1')), row=alt.Row('fault:N'),
        tooltip=['fault', 'strategy', 'syncs', 'wrong', 'events', 'harness_only', 'self_detected', 'self_repaired']).properties(width=360))
`

const CONCLUSION = String.raw`
def bytes_over_clean(strategy, fault):
    """Bytes per sync of faulted over clean syncs of the same cell (each a cell figure), median over those cells."""
    ratios = []
    for _, g in rows[rows['strategy'] == strategy].groupby(['workload', 'block_size']):
        f = across_seeds(g[g['fault'] == fault], mean_per_sync('bytes_total'))
        c = across_seeds(g[g['fault'].isna()], mean_per_sync('bytes_total'))
        if f and c and c['median'] > 0:
            ratios.append(f['median'] / c['median'])
    return float(pd.Series(ratios).median()) if ratios else None


lines = []
for strategy in [s for s in ORDER['strategy'] if s in set(tracking['strategy'])]:
    mine = tracking[tracking['strategy'] == strategy]
    states = []
    for block, at in mine.groupby('block_text', sort=False):
        kept = float(at['kept_state'].median())
        # The split of the cell nearest that median, so its parts add up to a real cell's total.
        typical = at.iloc[(at['kept_state'] - kept).abs().argsort().iloc[0]]
        split = ' + '.join(f"{k} {fmt_bytes(0 if pd.isna(typical[k + '_state']) else typical[k + '_state'])}" for k in ['tracker', 'sender', 'receiver'])
        states.append(f'{fmt_bytes(kept)} at {block} ({split})')
    lines.append(f"- **{strategy}** spends {fmt_ms(mine['tracker_ms'].median())} per sync in its tracker while the workload writes (median over its cells), "
                 f"against {fmt_ms(mine['cpu_ms'].median())} of CPU for the sync itself; it keeps {', '.join(states)} of state between syncs "
                 f"(every kind: tracker + sender + receiver; median over workloads), and writes {fmt_bytes(mine['tracker_device_bytes'].fillna(0).median())} per sync to its own device.")
if len(fault_cells) == 0:
    lines.insert(0, f'- **This run has no fault rows**: none of its {len(rows)} rows records an injected fault, so nothing here measures what a fault costs; what tracking costs when nothing goes wrong:')
for _, c in fault_cells.iterrows():
    s = f"- **{c['fault']}**, {c['strategy']}: {c['wrong']} of {c['syncs']} syncs wrong ({100 * c['wrong'] / c['syncs']:.0f}%)"
    if c['wrong']:
        s += f", {c['harness_only']} of them seen only by the harness's byte check"
    if c['self_detected'] is not None and not pd.isna(c['self_detected']):
        s += f", self-verification detected {c['self_detected']} of {c['syncs']}, repaired {c['self_repaired']}"
    over = bytes_over_clean(c['strategy'], c['fault'])
    if over is not None:
        s += f", {'+' if over >= 1 else ''}{100 * (over - 1):.1f}% bytes against clean syncs"
    lines.append(s + '.')
conclusion = '\n'.join(lines) or '- No tracking strategy and no fault in this run: nothing to conclude.'
display(Markdown('## Conclusion\n\n' + conclusion))
`

export const trackingFaults: Analysis = {
  name: 'tracking-faults',
  title: 'What tracking costs, and what tracking faults cost',
  question: 'Change tracking (bitmaps, journals, snapshots) costs time while the workload writes and state between syncs; a tracker that loses entries leaves the replica silently wrong. What does each tracking strategy cost, and, in a run with --fault, how often did a fault leave a wrong replica and who noticed?',
  addCells(nb) {
    nb.markdown('## What tracking costs\nState is every byte kept between syncs, whoever keeps it: a bitmap is tracker state, snapshot-diff\'s manifest is sender state.').code(COST)
    nb.markdown('## Faults injected\nA wrong replica is noticed by the strategy\'s own self-verification where it ran (`self_detected`, `self_repaired`), otherwise only by the harness\'s byte-for-byte check (`caught_by_harness`).').code(FAULTS)
    nb.markdown('The conclusion below is written by the cell from the figures above.').code(CONCLUSION)
  },
}
