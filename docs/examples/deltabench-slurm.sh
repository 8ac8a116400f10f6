#!/bin/bash
# A deltabench sweep split over a Slurm job array: task i runs shard i+1 of 4 of the same matrix
# (--shard auto reads SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT).
#   sbatch docs/examples/deltabench-slurm.sh         # from the repository, after npm ci
#   npx deltabench merge results/sweep-merged results/sweep/shard-*     # once every task is done
# A task that is requeued continues its shard (--resume) instead of refusing the folder it left.
# DELTABENCH_SWEEP overrides the matrix (test/shard-auto.test.ts runs this line on a tiny one).
#SBATCH --job-name=deltabench-sweep
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
#SBATCH --time=01:00:00
#SBATCH --output=slurm-%A_%a.out
set -euo pipefail

sweep=${DELTABENCH_SWEEP:-"--strategies fixed-block-compare,changed-block-bitmap,snapshot-diff,rsync-rolling,xdelta3 --workloads random-overwrite,insert-delete,sqlite-oltp --block-sizes 1KiB,4KiB,16KiB,64KiB --seeds 1,2,3 --size 64MiB"}
out=${DELTABENCH_OUT:-results/sweep}/shard-$SLURM_ARRAY_TASK_ID
resume=
if [ -f "$out/manifest.json" ]; then resume=--resume; fi

# $sweep and $resume unquoted on purpose: they are lists of flags.
npx deltabench run $sweep --shard auto --no-progress --no-report --out "$out" $resume
