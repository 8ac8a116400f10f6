#!/usr/bin/env python3
"""
The CPU of a command's whole process tree, orphans included: `python3 bench/tree-cpu.py <command…>`.

/usr/bin/time counts only the descendants its child waited for. A tool whose own children outlive it
(rsync's server forks a generator; the tool spawner is ended as its worker exits) is re-parented to
init and its CPU is lost: rsync's 500-case fuzz read 89-93 s under /usr/bin/time and 120 s here. This
script makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so every orphan of the tree is
re-parented to it; it reaps them all, then prints RUSAGE_CHILDREN (user + system) to stderr.
The command's stdout is discarded; its stderr passes through.
"""
import ctypes
import os
import resource
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36

if len(sys.argv) < 2:
    sys.exit("tree-cpu: give a command to run, e.g. python3 bench/tree-cpu.py npx tsx bench/fuzz.ts --cases 500")
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    sys.exit(f"tree-cpu: prctl(PR_SET_CHILD_SUBREAPER) failed: {os.strerror(ctypes.get_errno())} (Linux only)")
# Children's time this process already carries (a shell that exec'd us passes its own on): subtracted.
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.time()
code = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL).wait()
while True:  # the orphans re-parented to us, until none is left
    try:
        os.wait()
    except ChildProcessError:
        break
r = resource.getrusage(resource.RUSAGE_CHILDREN)
user, system = r.ru_utime - before.ru_utime, r.ru_stime - before.ru_stime
print(f"tree: wall {time.time() - t0:.2f} s, CPU user {user:.2f} s + sys {system:.2f} s = {user + system:.2f} s, exit {code}", file=sys.stderr)
sys.exit(code)
