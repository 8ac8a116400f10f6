/**
 * The first code cell of every notebook: where the run is (RUN_DIR), its rows read with pandas and its
 * manifest. RUN_DIR defaults to the run the notebook was generated for, as a path relative to the notebook's
 * folder (Jupyter, VS Code and nbconvert run a notebook with its folder as the working directory), and
 * DELTABENCH_RUN points it at any other run directory.
 */

/** The environment variable that points a notebook at another run directory. */
export const RUN_ENV = 'DELTABENCH_RUN'

/** Python for the first code cell; `runFromNotebook` is the run directory relative to the notebook's folder. */
export function preludeCode(runFromNotebook: string): string {
  // JSON string syntax is also a valid Python string literal (same escapes), so any path embeds safely.
  const literal = JSON.stringify(runFromNotebook)
  return String.raw`
import json, math, os, warnings
from decimal import Decimal, ROUND_HALF_UP
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import Markdown, display

# Debian's Altair 4 calls a pandas method pandas 1.5 deprecates; the warning says nothing about the run.
warnings.filterwarnings('ignore', category=FutureWarning, module='altair')
# Charts as a Vega-Lite mime bundle, which JupyterLab and VS Code draw offline (Altair 4's default loads vega from a CDN).
alt.renderers.enable('mimetype')

# The run: $${RUN_ENV} if set, else the run this notebook was generated for (relative to this notebook's folder).
RUN_DIR = Path(os.environ.get('${RUN_ENV}') or ${literal}).resolve()


def read_rows(run_dir):
    """rows.jsonl, one row per sync; a torn last line (a run cut while writing it) is left out."""
    path = Path(run_dir) / 'rows.jsonl'
    if not path.is_file():
        raise FileNotFoundError(f'notebook: {path} does not exist; set ${RUN_ENV} to a run directory (results/<run-id>)')
    lines = [line for line in path.read_text(encoding='utf-8').split('\n') if line.strip()]
    records = []
    for i, line in enumerate(lines):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            if i == len(lines) - 1:
                break
            raise ValueError(f'notebook: {path} line {i + 1} is not JSON; only a torn last line is skipped')
    if not records:
        raise ValueError(f'notebook: {path} has no rows; run a matrix first (npx deltabench run)')
    return pd.DataFrame.from_records(records)


def read_manifest(run_dir):
    """manifest.json, or None for a run without one (e.g. rows merged by hand)."""
    path = Path(run_dir) / 'manifest.json'
    return json.loads(path.read_text(encoding='utf-8')) if path.is_file() else None


rows = read_rows(RUN_DIR)
manifest = read_manifest(RUN_DIR)
for col in ['oracle_bytes', 'local_floor_bytes', 'tracker_ms', 'tracker_state_bytes', 'tracker_device_bytes', 'fault', 'fault_rate',
            'faults_injected', 'self_detected', 'self_repaired', 'caught_by_harness', 'self_verify_bytes', 'repeat']:
    if col not in rows:
        rows[col] = None  # older runs lack some columns; None reads as "no value", as in the TypeScript reader
rows['cpu_ms'] = rows['sender_cpu_ms'] + rows['receiver_cpu_ms']
# Every byte kept between syncs, whoever keeps it (analysis/kept-state.ts): snapshot-diff's tracker keeps 0 B and its
# manifest is sender state, so tracker_state_bytes alone read 0 B for it; a strategy with no tracker has it null (0 here).
rows['kept_state_bytes'] = rows['tracker_state_bytes'].fillna(0) + rows['sender_state_bytes'] + rows['receiver_state_bytes']
# A strategy that ignores the block size is one cell per workload: its block is NaN here, "any" in text.
rows['block'] = rows['block_size'].where(rows['uses_block_size'].astype(bool))
ORDER = {'strategy': list(dict.fromkeys(rows['strategy'])), 'workload': list(dict.fromkeys(rows['workload']))}


def run_description():
    """What the run was, from its rows and manifest: enough for a reviewer to trust it or redo it."""
    blocks = sorted({int(b) for b in rows['block_size'][rows['uses_block_size'].astype(bool)]})
    text = (f"Run **{rows['run_id'].iloc[0]}** ({RUN_DIR}): {len(rows)} syncs of {', '.join(ORDER['strategy'])} on {', '.join(ORDER['workload'])}; "
            f"block sizes {', '.join(block_text(b) for b in blocks) or 'none swept'}; seeds {', '.join(str(s) for s in dict.fromkeys(rows['seed']))}.")
    if manifest:
        c, git = manifest['config'], manifest.get('git', {})
        text += (f" Volume {fmt_bytes(c['size'])} of {c['content']} content, {c['epochs']} epochs; deltabench {manifest['version']} at git "
                 f"{(git.get('commit') or 'unknown')[:12]}{' (uncommitted changes)' if git.get('dirty') else ''}; Node {manifest['node']}; started {manifest['started']}.")
    return text


print(f'{len(rows)} syncs from {RUN_DIR}' + ('' if manifest else ' (no manifest.json)'))
`
}
