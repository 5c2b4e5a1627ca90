#!/usr/bin/env python3
"""Lays out an upgrade-under-load run on a timeline from the samples of timeline.py, the bench's
windows file and the generator's per-interval CSV: per BIN ms from each trigger to READY + 10 s,
each CPU's busy and steal share, each Zentinel process's CPU by thread group, the generator's
worst p99; then per upgrade the successor's CPU before READY and both processes' CPU after it,
by thread group.

usage: timeline-report.py SAMPLES WINDOWS INTERVALS_CSV [BIN_MS=250] [--brief]
"""
import collections
import sys

from threadgroups import GROUPS, group

TICK_MS = 10




def load(samples):
    cpu = collections.defaultdict(list)          # name -> [(ms, busy, steal)]
    thr = collections.defaultdict(list)          # (pid, tid) -> [(ms, ticks)]
    comm = {}
    with open(samples) as f:
        for line in f:
            v = line.split()
            if len(v) == 5 and v[1] == 'cpu':
                cpu[v[2]].append((int(v[0]), int(v[3]), int(v[4])))
            elif len(v) == 6 and v[1] == 'thr':
                thr[(v[2], v[3])].append((int(v[0]), int(v[5])))
                comm[(v[2], v[3])] = v[4]
    return cpu, thr, comm


def deltas(series, a, b):
    """Increase of a cumulative counter over [a, b): sum of sample-to-sample increases ending in it."""
    tot = 0
    for (t0, v0), (t1, v1) in zip(series, series[1:]):
        if a <= t1 < b:
            tot += v1 - v0
    return tot


def windows(path):
    w = {}
    with open(path) as f:
        for line in f:
            v = line.split()
            if len(v) == 3:
                w[v[0]] = (int(v[1]), int(v[2]))
    return w


def intervals(path):
    rows = []
    with open(path) as f:
        header = f.readline().strip().split(',')
        for line in f:
            v = line.strip().split(',')
            if len(v) == len(header):
                rows.append(dict(zip(header, v)))
    return rows


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    brief = '--brief' in sys.argv
    samples, wpath, csv = args[0], args[1], args[2]
    bin_ms = int(args[3]) if len(args) > 3 else 250
    cpu, thr, comm = load(samples)
    w = windows(wpath)
    rows = intervals(csv)
    epoch_key = next((k for k in rows[0] if 'epoch' in k), None) if rows else None
    p99_key = next((k for k in rows[0] if k.startswith('p99')), None) if rows else None
    jvms = {p for (p, _), c in comm.items() if c == 'VM_Thread'}
    pids = sorted({p for p, _ in thr if p in jvms}, key=lambda p: min(t for (pp, _), s in thr.items() if pp == p for t, _ in s))
    k = 1
    while 'u%d_after' % k in w:
        ready = w['u%d_after' % k][0]
        trigger = w['u%d_dip' % k][0] + 500
        end = ready + 10000
        live = [p for p in pids if any(pp == p and s and s[0][0] <= ready + 2000 and s[-1][0] >= trigger - 1000
                                         for (pp, _), s in thr.items())]
        print('upgrade %d: trigger %d, READY +%d ms; processes %s' % (k, trigger, ready - trigger, live))
        cpus = sorted(c for c in cpu if c != 'cpu')
        if not brief:
            hdr = 't_ms  ' + ' '.join('%s_busy %s_steal' % (c, c) for c in cpus)
            for p in live:
                hdr += '  | pid %s: ' % p + ' '.join(GROUPS)
            print(hdr + '  | gen_p99_ms')
        t = trigger
        summary = collections.defaultdict(lambda: collections.Counter())
        while t < end:
            b = t + bin_ms
            cells = []
            for c in cpus:
                busy = deltas([(x, y) for x, y, _ in cpu[c]], t, b) * TICK_MS * 100 // bin_ms
                steal = deltas([(x, z) for x, _, z in cpu[c]], t, b) * TICK_MS
                cells.append('%3d%% %4dms' % (busy, steal))
            line = '%+6d ' % (t - ready) + '  '.join(cells)
            phase = 'before' if t < ready else 'after'
            for p in live:
                g = collections.Counter()
                for (pp, tid), s in thr.items():
                    if pp == p:
                        g[group(comm[(pp, tid)])] += deltas(s, t, b) * TICK_MS
                summary[(p, phase)].update(g)
                line += '  | ' + ' '.join('%4d' % g[x] for x in GROUPS)
            worst = 0.0
            for r in rows:
                e = int(r[epoch_key])
                if t <= e < b and r[p99_key] not in ('', '-'):
                    worst = max(worst, float(r[p99_key]) / (1000.0 if p99_key.endswith('_us') else 1.0))
            line += '  | %.2f' % worst
            if not brief:
                print(line)
            t = b
        for (p, phase), g in sorted(summary.items()):
            print('  pid %s %-6s READY: total %5d ms CPU: %s' % (p, phase, sum(g.values()),
                  ', '.join('%s %d' % (x, g[x]) for x in GROUPS if g[x])))
        k += 1


if __name__ == '__main__':
    main()
