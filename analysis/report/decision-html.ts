/**
 * The report's first screen: the question, a profile selector, and per workload the answer (winner, its
 * time, runner-up and margin with its interval, how sure, the floor, the block size to use). Every profile's
 * answer is in the page; the selector shows one (page-script.ts), so the page stays one file with no fetch.
 */
import { AGGREGATION } from '../../core/aggregation.ts'
import type { NetworkProfile } from '../../core/network-profile.ts'
import { blockLabel, formatMs, formatRatio } from '../charts/format.ts'
import { strategyColour } from '../charts/palette.ts'
import { blockText } from '../cell-figures.ts'
import type { Decision } from './decision.ts'
import { escapeHtml as h } from './html-escape.ts'

const mbit = (bps: number) => `${Number((bps / 1e6).toPrecision(3))} Mbit/s`

/** "wan: 100 Mbit/s each way, 40 ms RTT". */
export function profileWords(p: NetworkProfile): string {
  const bw = p.downBps === p.upBps ? `${mbit(p.downBps)} each way` : `${mbit(p.downBps)} down, ${mbit(p.upBps)} up`
  return `${p.name}: ${bw}, ${p.rttMs} ms RTT`
}

const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(x !== 0 && Math.abs(x) < 0.1 ? 1 : 0)}%`
const signedMs = (x: number) => `${x >= 0 ? '+' : '−'}${formatMs(Math.abs(x))}`

function who(strategy: string, blockSize: number | null): string {
  return `<span class="who"><span class="swatch" style="background:${h(strategyColour(strategy))}"></span><strong>${h(strategy)}</strong> · ${h(blockText(blockSize))}</span>`
}

/** The margin cell: how much slower the runner-up is, its interval, and the verdict. */
function marginCell(d: Decision): string {
  const m = d.margin
  if (!d.runnerUp || !m) return '<td class="absent">no other strategy ran</td>'
  if (m.units === 0) return '<td class="absent">no seed in common: cannot pair</td>'
  const verdict = m.indistinguishable ? '<span class="tie">indistinguishable</span>' : '<span class="win">winner is faster</span>'
  // The headline is the difference of the two figures shown beside it; the interval is the paired one (its own median may differ).
  const diff = d.runnerUp.ms - d.winner.ms
  return `<td class="num">${h(signedMs(diff))} (${h(pct(diff / d.winner.ms))})<br><span class="range">[${h(signedMs(m.lo))}, ${h(signedMs(m.hi))}] ${h((m.coverage * 100).toFixed(m.coverage < 0.9 ? 0 : 1))}%</span><br>${verdict}</td>`
}

function adviceCell(d: Decision): string {
  const a = d.advice
  if (a.blockSize === null) return `<td>any <span class="range">(${h(d.winner.strategy)} ignores the block size)</span></td>`
  const range = a.indistinguishable.length > 1 ? `${blockLabel(a.indistinguishable[0]!)} – ${blockLabel(a.indistinguishable.at(-1)!)} as good` : 'better than every other size measured'
  const align = a.aligned ? `a multiple of ${blockLabel(a.align)}` : `no size as good is a multiple of ${blockLabel(a.align)}`
  return `<td><strong>${h(blockLabel(a.blockSize))}</strong><br><span class="range">${h(range)}; ${h(align)}</span></td>`
}

function decisionRow(d: Decision): string {
  const floor = d.winner.vsLocal === null ? '-' : formatRatio(d.winner.vsLocal)
  const runner = d.runnerUp ? `<td>${who(d.runnerUp.strategy, d.runnerUp.blockSize)}<br><span class="range">${h(formatMs(d.runnerUp.ms))} / sync</span></td>` : '<td class="absent">–</td>'
  const sure = `${d.units} unit${d.units === 1 ? '' : 's'} (seed × repeat)${d.units < 6 ? '<br><span class="range">6 give a 97% interval</span>' : ''}`
  const excluded = d.excluded.length ? `<br><span class="error">left out, wrong replicas: ${h(d.excluded.join(', '))}</span>` : ''
  return `<tr><th scope="row">${h(d.workload)}</th><td>${who(d.winner.strategy, d.winner.blockSize)}${excluded}</td><td class="num"><strong>${h(formatMs(d.winner.ms))}</strong></td>${runner}${marginCell(d)}<td>${sure}</td><td class="num">${h(floor)}</td>${adviceCell(d)}</tr>`
}

/** The first screen: the question, the selector, one table of answers per profile (only the selected one shown). */
export function decisionSection(decisions: readonly Decision[], profiles: readonly NetworkProfile[]): string {
  const selected = profiles[0]?.name
  const options = profiles.map((p) => `<option value="${h(p.name)}"${p.name === selected ? ' selected' : ''}>${h(profileWords(p))}</option>`).join('')
  const head = ['Workload', 'Best: strategy · block', 'Est. time / sync', 'Runner-up (another strategy)', 'Margin [interval]', 'How sure', 'Floor (× local)', 'Use block size']
  const tables = profiles.map((p) => {
    const rows = decisions.filter((d) => d.profile === p.name).map(decisionRow).join('\n')
    return `<div class="answer" data-profile="${h(p.name)}"${p.name === selected ? '' : ' hidden'}><div class="scroll"><table class="decision"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${rows || `<tr><td colspan="${head.length}" class="absent">No cell has a correct replica and a time.</td></tr>`}</tbody></table></div></div>`
  })
  const how = [
    `Fastest by estimated time to sync (est_sync_ms: flights × RTT/2 + bytes ÷ bandwidth each way + CPU each side), re-estimated for the profile chosen from each sync's bytes, flights and CPU; ${AGGREGATION}.`,
    'Margin: how much longer the runner-up takes per sync (the difference of the two figures), with order-statistic bounds of the median of its paired differences with the winner per unit (same seed and repeat) and their coverage; “indistinguishable” when the interval reaches 0. Floor: the winner’s bytes over the best local delta of the same versions (1× = as small as a local delta).',
    'Use block size: the cheapest multiple of the alignment among the winner’s sizes that a paired sign test cannot tell apart from its best (as tune --align).',
  ]
  return `<section id="decision">
<h2>Which strategy and block size sync fastest?</h2>
<p class="question"><label for="profile">Network profile</label> <select id="profile">${options}</select></p>
${tables.join('\n')}
${how.map((w) => `<p class="how">${h(w)}</p>`).join('\n')}
</section>`
}
