/**
 * Notebook: choosing a block size. Per strategy, which block size sends least across the workloads (the
 * geometric mean of × oracle, so no workload dominates), what it costs in CPU, where a workload clearly
 * prefers another size, and how much of what small blocks send is signatures.
 */
import type { Analysis } from './analysis.ts'

const SWEEP = String.raw`
swept = sorted({int(b) for b in cells['block'].dropna()})
# A strategy that ignores the block size is drawn level across the swept sizes (as the report's charts do).
sweep = pd.concat([cells[cells['block'].notna()].assign(ignores=False)]
                  + [cells[cells['block'].isna()].assign(block=b, ignores=True) for b in swept], ignore_index=True)
sweep['block_kib'] = sweep['block'] / 1024


def by_block(field, title, axis=alt.Axis()):
    line = alt.Chart().mark_line(point=True).encode(
        x=alt.X('block_kib:Q', scale=alt.Scale(type='log', base=2), title='block size (KiB)'),
        y=alt.Y(f'{field}:Q', scale=alt.Scale(type='log'), axis=axis, title=title),
        color=alt.Color('strategy:N', sort=ORDER['strategy']), strokeDash=alt.StrokeDash('ignores:N', title='ignores block size'),
        tooltip=['strategy', 'workload', 'block_text', alt.Tooltip(f'{field}:Q', format='.4~g'), alt.Tooltip(f'{field}_min:Q', format='.4~g'), alt.Tooltip(f'{field}_max:Q', format='.4~g')])
    return alt.layer(line, data=sweep).properties(width=240, height=180).facet(facet=alt.Facet('workload:N', sort=ORDER['workload']), columns=2)


by_block('bytes', 'bytes per sync', BYTES_AXIS)
`

const CPU = String.raw`
by_block('cpu_ms', 'CPU per sync, both halves (ms)')
`

const SCORES = String.raw`
scored = []
for strategy in ORDER['strategy']:
    mine = cells[(cells['strategy'] == strategy) & cells['block'].notna()]
    by_oracle = len(mine) > 0 and mine['vs_oracle'].notna().all()
    for block, at in mine.groupby('block'):
        value = at['vs_oracle'] if by_oracle else at['bytes']
        scored.append({'strategy': strategy, 'block': int(block), 'block_text': block_text(block), 'by_oracle': by_oracle,
                       'score': geomean(list(value)), 'cpu_ms': float(at['cpu_ms'].median()),
                       'signature_share': float(at['signature_share'].median()) if at['signature_share'].notna().any() else None,
                       'workloads': len(at)})
scores = pd.DataFrame(scored)
shown = scores.copy()
shown['score'] = [fmt_ratio(s) if o else fmt_bytes(s) + ' (no oracle)' for s, o in zip(scores['score'], scores['by_oracle'])]
shown['cpu_ms'] = shown['cpu_ms'].map(fmt_ms)
shown['signature_share'] = shown['signature_share'].map(lambda x: '–' if x is None or pd.isna(x) else f'{100 * x:.1f} %')
display(shown[['strategy', 'block_text', 'score', 'cpu_ms', 'signature_share', 'workloads']].rename(columns={
    'block_text': 'block size', 'score': 'geometric mean × oracle', 'cpu_ms': 'CPU / sync (median)', 'signature_share': 'signatures / bytes sent'}).set_index(['strategy', 'block size']))
`

const CONCLUSION = String.raw`
lines = []
for strategy in ORDER['strategy']:
    mine = scores[scores['strategy'] == strategy] if len(scores) else scores
    if len(mine) == 0:
        if (cells['strategy'] == strategy).any():
            lines.append(f'- **{strategy}** ignores the block size (it ran once per workload and seed): nothing to choose.')
        continue
    f, unit = (fmt_ratio, ' the oracle') if mine['by_oracle'].iloc[0] else (fmt_bytes, ' per sync')
    ranked = mine.sort_values('score', kind='stable')
    best_b, worst_b = ranked.iloc[0], ranked.iloc[-1]
    if len(mine) == 1:
        lines.append(f"- **{strategy}** ran at one block size only ({best_b['block_text']}): nothing to choose between.")
        continue
    by_cpu = mine.sort_values('cpu_ms', kind='stable')
    if worst_b['score'] / best_b['score'] < 1.05:
        lines.append(f"- **{strategy}**: block size changes its bytes by under 5% ({f(best_b['score'])} to {f(worst_b['score'])}{unit}); choose it for CPU: "
                     + ', '.join(f"{fmt_ms(c['cpu_ms'])} at {c['block_text']}" for _, c in by_cpu.iterrows()) + '.')
        continue
    others = ' and '.join(f"{f(c['score'])} at {c['block_text']}" for _, c in ranked.iloc[1:].sort_values('block').iterrows())
    line = (f"- **{strategy}**: {best_b['block_text']} sends least overall, {f(best_b['score'])}{unit} (geometric mean over {best_b['workloads']} "
            f"workload{'s' if best_b['workloads'] != 1 else ''}), against {others}. CPU per sync there is {fmt_ms(best_b['cpu_ms'])} (median over workloads)")
    cheapest = by_cpu.iloc[0]
    line += ', also the cheapest.' if cheapest['block'] == best_b['block'] else f"; {cheapest['block_text']} is cheapest at {fmt_ms(cheapest['cpu_ms'])}."
    differ = []
    for w in ORDER['workload']:
        at_w = cells[(cells['strategy'] == strategy) & (cells['workload'] == w) & cells['block'].notna()].sort_values('bytes', kind='stable')
        chosen = at_w[at_w['block'] == best_b['block']]
        if len(at_w) and len(chosen):
            b, c = at_w.iloc[0], chosen.iloc[0]
            # Only a clear difference counts: the ranges over seeds must not overlap.
            if b['block'] != c['block'] and not overlaps(b['bytes_min'], b['bytes_max'], c['bytes_min'], c['bytes_max']):
                differ.append(f"{w} ({b['block_text']})")
    if differ:
        line += ' Clearly fewer bytes (beyond the spread over seeds) come at another size on ' + ', '.join(differ) + '.'
    smallest = mine.sort_values('block').iloc[0]
    if smallest['signature_share'] is not None and not pd.isna(smallest['signature_share']) and smallest['signature_share'] > 0.05:
        line += f" At {smallest['block_text']}, signatures are {100 * smallest['signature_share']:.0f}% of what it sends (median over workloads)."
    lines.append(line)
conclusion = '\n'.join(lines) or '- The run has no rows to choose from.'
display(Markdown('## Conclusion\n\n' + conclusion))
`

export const chooseBlockSize: Analysis = {
  name: 'choose-block-size',
  title: 'Choosing a block size',
  question: 'Which block size should each strategy use? Smaller blocks find changes more precisely but cost more signatures, bitmap bits and CPU; larger blocks resend more unchanged bytes around each change.',
  addCells(nb) {
    nb.markdown('## Bytes sent at each block size\nEach point is a cell figure; a dashed level line is a strategy that ignores the block size.').code(SWEEP)
    nb.markdown('## CPU at each block size').code(CPU)
    nb.markdown('## Per strategy and block size, over all workloads\nGeometric mean over workloads of bytes sent ÷ oracle (so no single workload dominates; bytes per sync without an oracle), median CPU per sync of both halves, and the share of bytes sent that are signatures (Σ signature ÷ Σ sent per seed).').code(SCORES)
    nb.markdown('The conclusion below is written by the cell from the table above.').code(CONCLUSION)
  },
}
