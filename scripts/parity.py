#!/usr/bin/env python3
"""Run a packetdrill suite with packetdrill and with tcpspec's linux target, in the
same modes and with the flags the suite's own runner uses, and compare the verdicts.

    scripts/parity.py [--packetdrill PATH] [--tcpspec PATH] [-j N] [--reruns N]
                      [--runner google|kselftest] [--only GLOB] DIR

PATH defaults to $PACKETDRILL.  Without a packetdrill binary it says why and exits 0
("skipped"), so a CI job without one stays green.

Both tools run in private network namespaces (packetdrill under `unshare -n`, tcpspec
makes its own), N runs at a time (default 2).  packetdrill runs on a temporary copy of
the suite in which every set-up file that picks a congestion control with sysctl falls
back to putting it on the namespace's routes when the sysctl is refused (a child
namespace may only pick what the host's tcp_allowed_congestion_control lists), as
tcpspec's linux target does; otherwise packetdrill would run the scripts with the
namespace's default instead of the one the suite intends.

Each run whose verdicts differ is run again --reruns times by both tools; a run whose
verdicts all agree on each side is "stable".  Printed: the confusion table over all
runs and over stable runs, then every disagreement with the first message of each side,
and the wall time of each tool.  While a side runs, a progress line goes to stderr
("parity: tcpspec 120/526 runs, 3 differ") every 25 runs or 5 seconds.  Exit 0 when every stable run agrees, 1 otherwise.
"""
import argparse
import concurrent.futures
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# The flags each suite's runner gives packetdrill, per mode (Google's run_all.py and
# the kernel's tools/testing/selftests/net/packetdrill/ksft_runner.sh).
def ksft_modes(path):
    with open(path, errors='replace') as f:
        named = [l.strip().split('=', 1)[1] for l in f if l.startswith('--ip_version=')]
    return [m for m in named if m in ('ipv4', 'ipv6')] or ['ipv4', 'ipv6']


RUNNERS = {
    'google': {
        'common': ['--send_omit_free'],
        'modes': {
            'ipv4': ['--ip_version=ipv4', '--local_ip=192.168.0.1',
                     '--gateway_ip=192.168.0.1', '--netmask_ip=255.255.0.0',
                     '--remote_ip=192.0.2.1', '-D', 'TFO_COOKIE=3021b9d889017eeb',
                     '-D', 'CODE=host_unreachable', '-D', 'CMSG_LEVEL_IP=SOL_IP',
                     '-D', 'CMSG_TYPE_RECVERR=IP_RECVERR'],
            'ipv6': ['--ip_version=ipv6', '--mtu=1520', '--local_ip=fd3d:0a0b:17d6::1',
                     '--gateway_ip=fd3d:0a0b:17d6:8888::1',
                     '--remote_ip=fd3d:fa7b:d17d::1', '-D', 'TFO_COOKIE=c1d1e9742a47a9bc',
                     '-D', 'CMSG_LEVEL_IP=SOL_IPV6', '-D', 'CMSG_TYPE_RECVERR=IPV6_RECVERR'],
            'ipv4-mapped-ipv6': ['--ip_version=ipv4-mapped-ipv6', '--local_ip=192.168.0.1',
                                 '--gateway_ip=192.168.0.1', '--netmask_ip=255.255.0.0',
                                 '--remote_ip=192.0.2.1', '-D',
                                 'TFO_COOKIE=3021b9d889017eeb', '-D',
                                 'CODE=host_unreachable', '-D', 'CMSG_LEVEL_IP=SOL_IPV6',
                                 '-D', 'CMSG_TYPE_RECVERR=IPV6_RECVERR'],
        },
        # run_all.py: *v6.pkt only over IPv6, *v4.pkt only over IPv4 (and mapped)
        'select': lambda path: ([] if path.endswith('v6.pkt') else ['ipv4', 'ipv4-mapped-ipv6'])
                               + ([] if path.endswith('v4.pkt') else ['ipv6']),
    },
    'kselftest': {
        'common': [],
        'modes': {
            'ipv4': ['--ip_version=ipv4', '--local_ip=192.168.0.1',
                     '--gateway_ip=192.168.0.1', '--netmask_ip=255.255.0.0',
                     '--remote_ip=192.0.2.1', '-D', 'TFO_COOKIE=3021b9d889017eeb',
                     '-D', 'TFO_COOKIE_ZERO=b7c12350a90dc8f5', '-D', 'CMSG_LEVEL_IP=SOL_IP',
                     '-D', 'CMSG_TYPE_RECVERR=IP_RECVERR'],
            'ipv6': ['--ip_version=ipv6', '--mtu=1520', '--local_ip=fd3d:0a0b:17d6::1',
                     '--gateway_ip=fd3d:0a0b:17d6:8888::1',
                     '--remote_ip=fd3d:fa7b:d17d::1', '-D', 'TFO_COOKIE=c1d1e9742a47a9bc',
                     '-D', 'TFO_COOKIE_ZERO=82af1a8f9a205c34', '-D', 'CMSG_LEVEL_IP=SOL_IPV6',
                     '-D', 'CMSG_TYPE_RECVERR=IPV6_RECVERR'],
        },
        # ksft_runner.sh: the modes a script names on a '--ip_version=' line of its
        # own, else ipv4 and ipv6
        'select': lambda path: ksft_modes(path),
    },
}

CC_FALLBACK = r'''
# parity.py: a congestion control the namespace refuses as its default goes on the
# routes instead (as tcpspec's linux target does).
__parity_cc() {
	sysctl -q net.ipv4.tcp_congestion_control="$1" 2>/dev/null && return 0
	for __f in -4 -6; do
		ip $__f route show | while read -r __r; do
			ip $__f route change $__r congctl "$1" 2>/dev/null
		done
	done
	return 0
}
'''

CC_RE = re.compile(r'^(\s*)sysctl\s+(-q\s+|-w\s+)*net\.ipv4\.tcp_congestion_control=(\S+)\s*$')


def patch_copy(src, dst):
    """dst: a copy of src whose set-up files fall back to route-level congestion control."""
    # a link to a file outside the copied tree (Google's tcp/common/defaults.sh when
    # only a part of the suite is given) is left out: both tools then fail alike
    shutil.copytree(src, dst, symlinks=False, ignore_dangling_symlinks=True)
    patched = []
    for dirpath, _, files in os.walk(dst):
        for f in files:
            if not f.endswith('.sh'):
                continue
            p = os.path.join(dirpath, f)
            with open(p) as fh:
                lines = fh.read().split('\n')
            changed = False
            for i, l in enumerate(lines):
                m = CC_RE.match(l)
                if m:
                    lines[i] = '%s__parity_cc %s' % (m.group(1), m.group(3).strip('"\''))
                    changed = True
            if changed:
                at = 1 if lines and lines[0].startswith('#!') else 0
                lines.insert(at, CC_FALLBACK)
                with open(p, 'w') as fh:
                    fh.write('\n'.join(lines))
                patched.append(os.path.relpath(p, dst))
    return patched


def find_scripts(root, only):
    out = []
    for dirpath, _, files in os.walk(root):
        for f in fnmatch.filter(files, '*.pkt'):
            rel = os.path.relpath(os.path.join(dirpath, f), root)
            if only and not any(fnmatch.fnmatch(rel, g) for g in only):
                continue
            out.append(rel)
    return sorted(out)


def first_message(text):
    """The first line that says what went wrong, else the first non-empty line."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for l in lines:
        if re.search(r'(error|fail|expected|unsupported|timed out)', l, re.I):
            return l[:300]
    return lines[0][:300] if lines else ''


def run_packetdrill(pd, root, rel, mode, runner, timeout):
    d, base = os.path.split(os.path.join(root, rel))
    cmd = ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', pd] + \
        runner['common'] + runner['modes'][mode] + [base]
    try:
        p = subprocess.run(cmd, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, text=True, errors='replace')
    except subprocess.TimeoutExpired:
        return 'fail', 'timed out after %d s' % timeout
    if p.returncode == 0:
        return 'pass', ''
    return 'fail', first_message(p.stdout) or 'exit status %d' % p.returncode


class Progress:
    """A line on stderr while a side runs: "parity: tcpspec 120/526 runs, 3 differ",
    every 25 runs or every 5 seconds, whichever comes first, and when the side ends
    (stderr, so the report on stdout stays as it was)."""

    EVERY_RUNS, EVERY_S = 25, 5.0

    def __init__(self, what, total):
        self.what, self.total, self.done, self.differ = what, total, 0, None
        self.last_n, self.last_t = 0, time.monotonic()

    def step(self, differs=None):
        self.done += 1
        if differs is not None:
            self.differ = (self.differ or 0) + bool(differs)
        now = time.monotonic()
        if (self.done - self.last_n >= self.EVERY_RUNS or now - self.last_t >= self.EVERY_S
                or self.done == self.total):
            self.show(now)

    def show(self, now=None):
        self.last_n, self.last_t = self.done, now or time.monotonic()
        diff = '' if self.differ is None else ', %d differ' % self.differ
        print('parity: %s %d/%d runs%s' % (self.what, self.done, self.total, diff),
              file=sys.stderr, flush=True)


# a run's line on tcpspec run's standard output: "ok    PATH [ipv4] 0.123s"
RUN_LINE = re.compile(r'^(ok|DEVIATION|FAIL|ERROR|SKIP|UNAVAILABLE|INTERRUPTED)\s+(.*) '
                      r'\[[^]]*\] [0-9.]+s$')


def run_tcpspec_batch(ts, root, rels, mode, runner, jobs, timeout, progress=None,
                      theirs=None):
    """One tcpspec run over rels in one mode; {rel: (verdict, message)}.  Each run's
    line is counted on progress as it comes, as differing when its verdict is not the
    side of theirs(rel) (packetdrill's, when known); the JSON decides the verdicts."""
    if not rels:
        return {}
    with tempfile.NamedTemporaryFile(suffix='.json') as j:
        cmd = [ts, 'run', '--target', 'linux', '-j', str(jobs), '--timeout',
               str(timeout), '--json', j.name] + runner['common'] + \
            runner['modes'][mode] + [os.path.join(root, r) for r in rels]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, errors='replace')
        for line in p.stdout:
            m = RUN_LINE.match(line.rstrip('\n'))
            if not m or not progress:
                continue
            v = {'ok': 'pass', 'skip': 'skip'}.get(m.group(1).lower(), 'fail')
            other = theirs(os.path.relpath(m.group(2), root)) if theirs else None
            progress.step(None if other is None else side(other) != v)
        p.wait()
        try:
            data = json.load(open(j.name))
        except (OSError, ValueError) as e:
            return {r: ('error', 'no JSON from tcpspec: %s' % e) for r in rels}
    out = {}
    for res in data.get('results', []):
        rel = os.path.relpath(res['script'], root)
        v = res['verdict'].lower()
        v = {'ok': 'pass', 'unavailable': 'error'}.get(v, v)
        msg = ' | '.join(l.strip() for l in res.get('message', '').splitlines())
        out[rel] = (v, msg[:300])
    for r in rels:
        out.setdefault(r, ('error', 'no result from tcpspec'))
    return out


def side(v):
    """What counts as the same verdict: passed, failed (or an error), or skipped as
    unsupported, which is no verdict at all and never agrees with packetdrill's."""
    return v if v in ('pass', 'skip') else 'fail'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('dir', nargs='?')
    ap.add_argument('--packetdrill', default=os.environ.get('PACKETDRILL', ''))
    ap.add_argument('--tcpspec', default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'tcpspec'))
    ap.add_argument('-j', '--jobs', type=int, default=2)
    ap.add_argument('--reruns', type=int, default=2)
    ap.add_argument('--runner', choices=sorted(RUNNERS), default='google')
    ap.add_argument('--only', action='append', help='glob over paths relative to DIR')
    ap.add_argument('--timeout', type=int, default=180)
    ap.add_argument('--json', help='write every run and verdict here')
    ap.add_argument('--patched-copy', metavar='DIR',
                    help="only write the copy of the suite packetdrill runs on (its set-up "
                         "files putting a refused congestion control on the routes) to DIR, "
                         "for comparing by hand, and stop")
    ap.add_argument('--reuse', metavar='JSON',
                    help="take packetdrill's first runs (and its wall time) from an "
                         "earlier --json of the same suite instead of running them again")
    a = ap.parse_args()

    if a.patched_copy:
        if not a.dir or not os.path.isdir(a.dir) or os.path.exists(a.patched_copy):
            print('parity: --patched-copy needs the suite and a DIR that does not exist yet',
                  file=sys.stderr)
            return 2
        for f in patch_copy(os.path.abspath(a.dir), a.patched_copy):
            print('parity: patched %s' % f)
        print('parity: the copy is in %s; run packetdrill there under unshare -n' %
              a.patched_copy)
        return 0
    if not a.packetdrill:
        print('parity: skipped: no packetdrill binary given (PACKETDRILL=path)')
        return 0
    if not os.access(a.packetdrill, os.X_OK):
        print('parity: skipped: %s is not an executable packetdrill' % a.packetdrill)
        return 0
    if os.geteuid() != 0:
        print('parity: skipped: needs root for network namespaces')
        return 0
    if not a.dir or not os.path.isdir(a.dir):
        print('parity: %s: not a directory (give the suite: PARITY_DIR=...)' % a.dir,
              file=sys.stderr)
        return 2
    pd = os.path.abspath(a.packetdrill)
    ts = os.path.abspath(a.tcpspec)
    runner = RUNNERS[a.runner]
    root = os.path.abspath(a.dir)
    scripts = find_scripts(root, a.only)
    runs = [(r, m) for r in scripts for m in runner['select'](os.path.join(root, r))]
    print('parity: %d scripts, %d runs (%s runner), %d at a time' %
          (len(scripts), len(runs), a.runner, a.jobs), flush=True)

    tmp = tempfile.mkdtemp(prefix='parity.')
    try:
        pd_root = os.path.join(tmp, 'suite')
        patched = patch_copy(root, pd_root)
        if patched:
            print('parity: packetdrill runs on a copy with route-level congestion '
                  'control in: %s' % ', '.join(patched), flush=True)

        def pd_all(todo, what='packetdrill'):
            prog = Progress(what, len(todo))
            with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
                futs = {ex.submit(run_packetdrill, pd, pd_root, r, m, runner,
                                  a.timeout): (r, m) for r, m in todo}
                for f in concurrent.futures.as_completed(futs):
                    prog.step()
                return {futs[f]: f.result() for f in futs}

        def ts_all(todo, pdr, what='tcpspec'):
            out = {}
            prog = Progress(what, len(todo))
            for m in runner['modes']:
                rels = [r for r, mm in todo if mm == m]
                theirs = lambda r, m=m: (pdr.get((r, m)) or (None,))[0]
                for r, res in run_tcpspec_batch(ts, root, rels, m, runner, a.jobs,
                                                a.timeout, prog, theirs).items():
                    out[(r, m)] = res
            if prog.done != prog.total:
                prog.done = prog.total   # runs tcpspec gave no line for (an error)
                prog.show()
            return out

        t0 = time.monotonic()
        old = {}
        if a.reuse:
            with open(a.reuse) as f:
                prev = json.load(f)
            old = {(r['script'], r['mode']): tuple(r['packetdrill'][0]) for r in prev['runs']}
        pdres = pd_all([k for k in runs if k not in old])
        pdres.update({k: old[k] for k in runs if k in old})
        t1 = time.monotonic()
        if a.reuse:
            t1 = t0 + prev['wall_packetdrill']
            print('parity: packetdrill first runs (and wall time) from %s' % a.reuse,
                  flush=True)
        t1r = time.monotonic()
        tsres = ts_all(runs, pdres)
        t2 = t1 + (time.monotonic() - t1r)
        hist = {k: ([pdres[k]], [tsres[k]]) for k in runs}

        differ = [k for k in runs if side(pdres[k][0]) != side(tsres[k][0])]
        for _ in range(a.reruns):
            if not differ:
                break
            p2 = pd_all(differ, 'packetdrill rerun')
            t2r = ts_all(differ, p2, 'tcpspec rerun')
            for k in differ:
                hist[k][0].append(p2[k])
                hist[k][1].append(t2r[k])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def stable(vs):
        return len(set(side(v) for v, _ in vs)) == 1

    cols = ['pass', 'fail', 'skip', 'error']
    def table(keys, title):
        print('\n%s (%d runs): rows packetdrill, columns tcpspec' % (title, len(keys)))
        print('%-14s' % '' + ''.join('%8s' % c for c in cols))
        for row in ('pass', 'fail'):
            n = [sum(1 for k in keys if side(hist[k][0][0][0]) == row and
                     (hist[k][1][0][0] if hist[k][1][0][0] in cols else 'error') == c)
                 for c in cols]
            print('%-14s' % ('packetdrill ' + row) + ''.join('%8d' % x for x in n))
        agree = sum(1 for k in keys if side(hist[k][0][0][0]) == side(hist[k][1][0][0]))
        print('same verdict: %d of %d' % (agree, len(keys)))
        return agree

    table(runs, 'all runs (first run of each)')
    st = [k for k in runs if stable(hist[k][0]) and stable(hist[k][1])]
    agree = table(st, 'stable runs')
    dis = [k for k in runs if side(hist[k][0][0][0]) != side(hist[k][1][0][0])]
    if dis:
        print('\ndisagreements ([stable]: each tool gave one verdict on every rerun; '
              '[flaky]: one of them did not):')
    for k in dis:
        r, m = k
        tag = 'stable' if k in st else 'flaky'
        pv = '/'.join(v for v, _ in hist[k][0])
        tv = '/'.join(v for v, _ in hist[k][1])
        print('%s (%s) [%s] packetdrill %s, tcpspec %s' % (r, m, tag, pv, tv))
        pm = next((msg for v, msg in hist[k][0] if v != 'pass'), '')
        tm = next((msg for v, msg in hist[k][1] if v != 'pass'), '')
        if pm:
            print('    packetdrill: %s' % pm)
        if tm:
            print('    tcpspec:     %s' % tm)
    print('\nwall time, %d at a time: packetdrill %.1f s, tcpspec %.1f s' %
          (a.jobs, t1 - t0, t2 - t1))
    if a.json:
        with open(a.json, 'w') as f:
            json.dump({'runs': [{'script': r, 'mode': m, 'stable': (r, m) in st,
                                 'packetdrill': hist[(r, m)][0], 'tcpspec': hist[(r, m)][1]}
                                for r, m in runs],
                       'wall_packetdrill': t1 - t0, 'wall_tcpspec': t2 - t1}, f, indent=1)
    return 0 if agree == len(st) else 1


if __name__ == '__main__':
    sys.exit(main())
