#!/usr/bin/env python3
"""Samples, every PERIOD ms until the stop file appears (or MAX_S seconds), each CPU's busy and
steal ticks (/proc/stat) and the CPU ticks of every thread of the processes whose command line
contains MARKER (/proc/PID/task/*/stat), so that an upgrade can be laid out on a timeline: who
burns which CPU when. Reading /proc costs ~1 ms of CPU per sample; run it on the load's CPU.

usage: timeline.py OUT MARKER STOP_FILE [PERIOD_MS=50] [MAX_S=1200]
OUT lines:  <epoch_ms> cpu <name> <busy_ticks> <steal_ticks>
            <epoch_ms> thr <pid> <tid> <comm without spaces> <utime+stime ticks>
"""
import os
import sys
import time


def cpu_lines(now):
    out = []
    with open('/proc/stat') as f:
        for line in f:
            if not line.startswith('cpu') or line[3] == ' ':
                continue
            v = line.split()
            n = [int(x) for x in v[1:9]]
            busy = n[0] + n[1] + n[2] + n[5] + n[6]
            out.append('%d cpu %s %d %d' % (now, v[0], busy, n[7]))
    return out


def matching_pids(marker):
    pids = []
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % p, 'rb') as f:
                if marker in f.read():
                    pids.append(p)
        except OSError:
            pass
    return pids


def thread_ticks(pid):
    """(tid, kernel thread name, utime + stime in clock ticks) of every thread of PID still there."""
    out = []
    try:
        tids = os.listdir('/proc/%s/task' % pid)
    except OSError:
        return out
    for tid in tids:
        try:
            with open('/proc/%s/task/%s/stat' % (pid, tid)) as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(')') + 2:].split()
        out.append((tid, s[s.index('(') + 1:s.rindex(')')], int(rest[11]) + int(rest[12])))
    return out


def thread_lines(now, pid):
    return ['%d thr %s %s %s %d' % (now, pid, tid, comm.replace(' ', '_'), ticks)
            for tid, comm, ticks in thread_ticks(pid)]


def main():
    out, marker, stop = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
    period = (int(sys.argv[4]) if len(sys.argv) > 4 else 50) / 1000.0
    end = time.time() + (int(sys.argv[5]) if len(sys.argv) > 5 else 1200)
    pids, rescan = [], 0.0
    with open(out, 'w') as f:
        while time.time() < end and not os.path.exists(stop):
            t = time.time()
            now = int(t * 1000)
            if t >= rescan:  # new processes (a successor) are found within 250 ms
                pids, rescan = matching_pids(marker), t + 0.25
            lines = cpu_lines(now)
            for p in pids:
                lines.extend(thread_lines(now, p))
            f.write('\n'.join(lines) + '\n')
            time.sleep(max(0.0, period - (time.time() - t)))


if __name__ == '__main__':
    main()
