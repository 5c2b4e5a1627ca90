#!/usr/bin/env python3
"""Zentinel's threads in groups by kernel thread name (JIT compilers, event loops, the main
thread, ...), so that every bench script that splits a process's CPU splits it the same way.

usage: threadgroups.py PID
prints the CPU time of PID's threads in ms: "total loop main c1 c2 gc vm ctl other"
"""
import collections
import os
import re
import sys

# The order in which the groups are reported.
GROUPS = ['loop', 'main', 'c1', 'c2', 'gc', 'vm', 'ctl', 'other']


def group(comm):
    """The group of a kernel thread name, with spaces written as '_' (as timeline.py records them)."""
    for prefix, name in (('C2_', 'c2'), ('C1_', 'c1'), ('GC_', 'gc'), ('G1_', 'gc'), ('VM_Thread', 'vm'),
                         ('main', 'main'), ('java', 'main')):
        if comm.startswith(prefix):
            return name
    if re.search(r'(zentinel-io|EventLoop|IoEv)', comm):
        return 'loop'
    if comm.startswith('zentinel-'):
        return 'ctl'
    return 'other'


def main():
    from timeline import thread_ticks
    ms_per_tick = 1000 / os.sysconf('SC_CLK_TCK')
    ms = collections.Counter()
    for _, comm, ticks in thread_ticks(sys.argv[1]):
        ms[group(comm.replace(' ', '_'))] += ticks * ms_per_tick
    print(' '.join('%d' % v for v in [sum(ms.values())] + [ms[g] for g in GROUPS]))


if __name__ == '__main__':
    main()
