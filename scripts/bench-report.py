#!/usr/bin/env python3
"""Turn rdma_pin_bench's CSV rows into the table, JSON and figures of make bench.

usage: bench-report.py --check CSV
       bench-report.py --out DIR --patched CSV [--patched-again CSV...]
                       [--base CSV...] [--config TEXT]

--check only asserts that CSV is a well-formed table (make check's smoke
run).  Otherwise the report goes to DIR: results.csv (all rows, with the
kernel and boot they come from), results.json (median, min, max of each
figure), table.md (also printed) and one PNG per figure, drawn with
gnuplot.  Every figure is the median of its repetitions, with min and max
as its spread.  Figures of one run ran in turns, so their ratio is the
median of the ratios of their repetitions; between kernels it is the ratio
of the medians.  Every ratio comes with a 95 % interval, bootstrapped from
the repetitions (and, between kernels, from the boots: the CSVs of
--patched and --patched-again against those of --base), and a goal counts
as met or missed only where the whole interval says so.  Exits 1 if a
figure's mapping was not what its name claims.
"""
import argparse
import csv
import json
import math
import os
import random
import statistics
import subprocess
import sys

HEADER = ['section', 'case', 'param', 'rep', 'seconds', 'count']
GIB = 1 << 30


def read_rows(path):
    with open(path, newline='') as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != HEADER:
            raise ValueError(f'{path}: header is {header}, not {HEADER}')
        rows = []
        for n, r in enumerate(reader, 2):
            if len(r) != len(HEADER):
                raise ValueError(f'{path}:{n}: {len(r)} fields, not {len(HEADER)}')
            section, case, param, rep, seconds, count = r
            rows.append({'section': section, 'case': case, 'param': param,
                         'rep': int(rep), 'seconds': float(seconds),
                         'count': int(count)})
    return rows


def check(path):
    """The smoke run: a header, rows of every section, numbers that parse."""
    rows = read_rows(path)
    sections = {r['section'] for r in rows if r['param'] != 'skip'}
    missing = {'reg', 'dereg', 'write', 'read', 'layout', 'check-refused',
               'check-allowed'} - sections
    if missing:
        raise ValueError(f'{path}: no rows for {sorted(missing)}')
    if any(r['seconds'] < 0 for r in rows):
        raise ValueError(f'{path}: negative times')
    print(f'{path}: {len(rows)} rows, sections {sorted(sections)}')


class Figures:
    def __init__(self, rows):
        self.rows = rows

    def values(self, section, case, param=None, per=None):
        """Per-repetition values: seconds / count, scaled by per(row)."""
        out = []
        for r in self.rows:
            if r['section'] != section or r['case'] != case:
                continue
            if param is not None and r['param'] != param:
                continue
            if r['param'] == 'skip':
                continue
            v = r['seconds'] / max(r['count'], 1)
            out.append(per(r, v) if per else v)
        return out

    def stat(self, *args, **kw):
        v = self.values(*args, **kw)
        if not v:
            return None
        return {'median': statistics.median(v), 'min': min(v), 'max': max(v),
                'n': len(v), 'values': sorted(v), 'seq': v}


def per_gib(r, v):
    return v * GIB / (int(r['param']) << 20)


def mb_per_s(r, v):
    return int(r['param']) / v / 1e6


def fmt(s, scale=1.0, unit=''):
    if not s:
        return 'n/a'
    return (f"{s['median'] * scale:.4g}{unit} "
            f"[{s['min'] * scale:.4g}-{s['max'] * scale:.4g}]")


def paired(a, b):
    """Repetition i of a ran next to repetition i of b (in turns), in one run."""
    return 'seq' in a and 'seq' in b and a['n'] == b['n']


def ratio(a, b):
    """Figures of one run: the median of the ratios of their repetitions, which
    ran in turns; otherwise the ratio of their medians."""
    if not a or not b or not b['median']:
        return None
    if paired(a, b):
        return statistics.median(x / y for x, y in zip(a['seq'], b['seq']))
    return a['median'] / b['median']


def interval(a, b, draws=2000):
    """95 % bootstrap interval of ratio(a, b), from their repetitions."""
    if not a or not b or not b['median']:
        return None
    rng = random.Random(1)
    if paired(a, b):
        pairs = [x / y for x, y in zip(a['seq'], b['seq'])]
        rs = sorted(statistics.median(rng.choices(pairs, k=len(pairs))) for _ in range(draws))
    else:
        rs = sorted(statistics.median(rng.choices(a['values'], k=a['n'])) /
                    statistics.median(rng.choices(b['values'], k=b['n']))
                    for _ in range(draws))
    return rs[int(0.025 * draws)], rs[int(0.975 * draws) - 1]


def boots_interval(a, b, draws=2000):
    """95 % interval of median(a) / median(b), a and b lists of boots, each
    a list of repetitions: boots are drawn again first, then repetitions."""
    rng = random.Random(1)

    def draw(boots):
        picked = rng.choices(boots, k=len(boots))
        return statistics.median([x for v in picked for x in rng.choices(v, k=len(v))])

    rs = sorted(draw(a) / draw(b) for _ in range(draws))
    return rs[int(0.025 * draws)], rs[int(0.975 * draws) - 1]


def fmt_interval(iv):
    return 'n/a' if iv is None else f'{iv[0]:.3f}-{iv[1]:.3f}'


def verdict(iv, goal, at_most):
    """met or NOT MET where the whole interval is on one side of the goal."""
    if iv is None:
        return 'n/a'
    lo, hi = iv
    if at_most:
        return 'met' if hi <= goal else 'NOT MET' if lo > goal else 'not resolved'
    return 'met' if lo >= goal else 'NOT MET' if hi < goal else 'not resolved'


def goal(text, a, b, limit, at_most=True):
    """A goal on ratio(a, b): (text, ratio, interval, verdict)."""
    iv = interval(a, b)
    return (text, ratio(a, b), iv, verdict(iv, limit, at_most))


def gnuplot(script):
    subprocess.run(['gnuplot'], input=script, text=True, check=True)


def bars(out, name, title, ylabel, items, logy=False):
    """A bar chart of (label, stat) with min-max error bars."""
    items = [(label, s) for label, s in items if s]
    if not items:
        return
    data = os.path.join(out, name + '.dat')
    with open(data, 'w') as f:
        for i, (label, s) in enumerate(items):
            f.write(f'{i} "{label}" {s["median"]} {s["min"]} {s["max"]}\n')
    gnuplot(f'''set terminal pngcairo noenhanced size 900,500
set output "{os.path.join(out, name + '.png')}"
set title "{title}"
set ylabel "{ylabel}"
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -30
set grid ytics
{"set logscale y" if logy else ""}
plot "{data}" using 1:3:xtic(2) with boxes notitle, \\
     "" using 1:3:4:5 with yerrorbars lc rgb "black" pt 0 notitle
''')


def report(args):
    rows = read_rows(args.patched)
    base_boots = [read_rows(path) for path in args.base or []]
    base_rows = [r for boot in base_boots for r in boot]
    patched_boots = [rows] + [read_rows(path) for path in args.patched_again or []]
    os.makedirs(args.out, exist_ok=True)
    bad = [r for r in rows if r['section'] == 'mapping' and r['param'] != 'as-claimed']
    p, b = Figures(rows), Figures(base_rows)
    lines = [f'# make bench ({args.config})', '']
    goals = []
    fig = {}

    # 1. Registration and deregistration, seconds per GiB.
    cases = ['anon-4k', 'anon-thp', 'hugetlb-2m', 'devdax', 'xfs-pin-pmd',
             'ext4-pin-pmd', 'xfs-pin-pte', 'ext4-pin-pte', 'xfs-pin-holes',
             'ext4-pin-holes', 'xfs-dax-odp']
    size = next((r['param'] for r in rows if r['section'] == 'reg' and r['param'] != 'skip'), '?')
    lines += [f'## Registration of {size} MiB (ms per GiB, median [min-max])', '',
              '| memory | ibv_reg_mr | ibv_dereg_mr | reg / device-DAX |',
              '|---|---|---|---|']
    devdax = p.stat('reg', 'devdax', per=per_gib)
    for c in cases:
        reg, dereg = p.stat('reg', c, per=per_gib), p.stat('dereg', c, per=per_gib)
        fig[f'reg/{c}'], fig[f'dereg/{c}'] = reg, dereg
        r = ratio(reg, devdax)
        lines.append(f'| {c} | {fmt(reg, 1e3)} | {fmt(dereg, 1e3)} | '
                     f'{"n/a" if r is None else f"{r:.2f}"} |')
    bars(args.out, 'registration', f'ibv_reg_mr of {size} MiB', 'ms per GiB',
         [(c, scaled(fig[f'reg/{c}'], 1e3)) for c in cases], logy=True)
    anon = fig['reg/anon-4k']
    # No file registers faster than device-DAX, which has no filesystem:
    # its own lead over anon-4k bounds what a pinned file can reach.
    best = ratio(anon, devdax)
    best_text = 'n/a' if best is None else f'{best:.1f}x'
    for c in ('xfs-pin-pmd', 'ext4-pin-pmd'):
        goals.append(goal(f'{c} registration <= 1.1x device-DAX', fig[f'reg/{c}'], devdax, 1.1))
        goals.append(goal(f'{c} registration >= 10x faster than anon-4k '
                          f'(device-DAX itself: {best_text})', anon, fig[f'reg/{c}'], 10,
                          at_most=False))

    # 2. Data path.
    depth = next((r['count'] for r in rows if r['section'] == 'inflight'), '?')
    lines += ['', f'## RDMA WRITE and READ (bandwidth in MB/s: 64 KiB transfers, {depth} '
              'in flight; latency in us: 4 KiB transfers, one at a time)', '',
              '| memory | WRITE 64K | READ 64K | WRITE 4K | READ 4K | 64K WRITE / anon |',
              '|---|---|---|---|---|---|']
    data_cases = ['anon-4k', 'anon-thp', 'hugetlb-2m', 'devdax', 'xfs-pin-pmd',
                  'ext4-pin-pmd', 'xfs-dax-odp']
    for c in data_cases:
        for op in ('write', 'read'):
            fig[f'{op}64/{c}'] = p.stat(op, c, '65536', per=lambda r, v: 65536 / v / 1e6)
            fig[f'{op}4/{c}'] = p.stat(op, c, '4096')
        r = ratio(fig[f'write64/{c}'], fig['write64/anon-4k'])
        lines.append(f'| {c} | {fmt(fig[f"write64/{c}"])} | {fmt(fig[f"read64/{c}"])} | '
                     f'{fmt(fig[f"write4/{c}"], 1e6)} | {fmt(fig[f"read4/{c}"], 1e6)} | '
                     f'{"n/a" if r is None else f"{r:.2f}"} |')
    odp_first = p.stat('odp-first', 'xfs-dax-odp', '65536')
    odp_again = p.stat('odp-again', 'xfs-dax-odp', '65536')
    if odp_first and odp_again:
        r = ratio(odp_first, odp_again)
        lines.append(f'\nODP, 64 KiB WRITEs one at a time: {fmt(odp_first, 1e6, " us")} '
                     f'each at the first access of their pages (page faults), '
                     f'{fmt(odp_again, 1e6, " us")} each again after, '
                     f'{"n/a" if r is None else f"{r:.2f}"} times as long.')
    bars(args.out, 'bandwidth', 'RDMA WRITE, 64 KiB each', 'MB/s',
         [(c, fig[f'write64/{c}']) for c in data_cases])
    for c in ('xfs-pin-pmd', 'ext4-pin-pmd'):
        for op in ('write', 'read'):
            goals.append(goal(f'{c} RDMA {op.upper()} bandwidth >= 0.95x anon-4k',
                              fig[f'{op}64/{c}'], fig[f'{op}64/anon-4k'], 0.95, at_most=False))

    # 3. What the filesystem pays.
    lines += ['', '## Layout changes of unpinned files (us per change)', '',
              '| filesystem | change | rdma_pin | plain dax | ratio | 95 % interval |',
              '|---|---|---|---|---|---|']
    layout_items = []
    for fs in ('xfs', 'ext4'):
        for op in ('truncate', 'punch', 'fallocate', 'reflink'):
            pin, dax = p.stat('layout', f'{fs}-pin', op), p.stat('layout', f'{fs}-dax', op)
            if not pin and not dax:
                continue
            r = ratio(pin, dax)
            fig[f'layout/{fs}/{op}'] = {'rdma_pin': pin, 'dax': dax}
            lines.append(f'| {fs} | {op} | {fmt(pin, 1e6)} | {fmt(dax, 1e6)} | '
                         f'{"n/a" if r is None else f"{r:.3f}"} | '
                         f'{fmt_interval(interval(pin, dax))} |')
            layout_items += [(f'{fs} {op} pin', scaled(pin, 1e6)), (f'{fs} {op} dax', scaled(dax, 1e6))]
            goals.append(goal(f'{fs} {op} on unpinned files <= 1.02x plain dax', pin, dax, 1.02))
    bars(args.out, 'layout', 'Layout changes of unpinned files', 'us per change', layout_items)

    lines += ['', '## The check against the pins of one inode (us per punch)', '',
              '| pins | refused (pinned page) | allowed (unpinned page) |', '|---|---|---|']
    pins = sorted({int(r['param']) for r in rows if r['section'] == 'check-allowed'})
    curve = []
    for n in pins:
        ref, ok = p.stat('check-refused', 'xfs-pin', str(n)), p.stat('check-allowed', 'xfs-pin', str(n))
        fig[f'check/{n}'] = {'refused': ref, 'allowed': ok}
        curve.append((n, ref, ok))
        lines.append(f'| {n} | {fmt(ref, 1e6)} | {fmt(ok, 1e6)} |')
    if curve:
        data = os.path.join(args.out, 'check.dat')
        with open(data, 'w') as f:
            for n, ref, ok in curve:
                f.write(f'{n} {ref["median"] * 1e6} {ref["min"] * 1e6} {ref["max"] * 1e6} '
                        f'{ok["median"] * 1e6} {ok["min"] * 1e6} {ok["max"] * 1e6}\n')
        gnuplot(f'''set terminal pngcairo noenhanced size 900,500
set output "{os.path.join(args.out, 'check.png')}"
set title "Layout change next to N pins of one inode"
set xlabel "pins on the inode"
set ylabel "us per punch"
set logscale x
set grid
plot "{data}" using 1:2:3:4 with yerrorlines title "refused (pinned page)", \\
     "" using 1:5:6:7 with yerrorlines title "allowed (unpinned page)"
''')
        first, last = curve[0], curve[-1]
        if last[0] > first[0]:
            decades = math.log10(last[0] / first[0])
            for i, what in ((1, 'refused'), (2, 'allowed')):
                growth = last[i]['median'] / first[i]['median']
                per_decade = growth ** (1 / decades)
                goals.append((f'check ({what}) grows logarithmically in pins: '
                              f'x{growth:.2f} from {first[0]} to {last[0]} pins, '
                              f'x{per_decade:.2f} per decade (linear would be x10)',
                              per_decade, interval(unpaired(last[i]), unpaired(first[i])),
                              'met' if per_decade <= 1.5 else 'NOT MET'))

    # 4. What everyone else pays: the same kernel config without the series.
    lines += ['', '## What everyone else pays: with the series / without (ratio of medians)', '']
    if not base_rows:
        lines.append('Not measured: no kernel without the series (RDMA_PIN_BASE=0).')
    else:
        lines += [f'{len(patched_boots)} boots with the series, {len(base_boots)} without, '
                  'alternating; the interval covers repetitions and boots.  Boot to boot: '
                  'the ratio of the medians of the second boot of each kernel to its first.', '',
                  '| figure | with | without | ratio | 95 % interval | boot to boot, with / without |',
                  '|---|---|---|---|---|---|']
        others = [('reg', c) for c in ('anon-4k', 'anon-thp', 'hugetlb-2m', 'devdax')]
        others += [('dereg', 'anon-4k')]
        for fs in ('xfs', 'ext4'):
            for op in ('truncate', 'punch', 'fallocate', 'reflink'):
                others.append(('layout', f'{fs}-dax', op))
        for cmd in ('GUP_FAST_BENCHMARK', 'PIN_FAST_BENCHMARK', 'PIN_LONGTERM_BENCHMARK'):
            others.append(('gup', cmd, 'get'))
        items = []
        for key in others:
            section, case = key[0], key[1]
            param = key[2] if len(key) > 2 else None
            w_boots = [Figures(bt).stat(section, case, param) for bt in patched_boots]
            o_boots = [Figures(bt).stat(section, case, param) for bt in base_boots]
            if not all(w_boots) or not all(o_boots):
                continue
            with_, without = pooled(w_boots), pooled(o_boots)
            r = ratio(with_, without)
            iv = boots_interval([x['values'] for x in w_boots], [x['values'] for x in o_boots])
            label = ' '.join(k for k in key)
            fig[f'others/{label}'] = {'with': with_, 'without': without,
                                      'with_boots': w_boots, 'without_boots': o_boots}
            lines.append(f'| {label} | {fmt(with_, 1e6)} us | {fmt(without, 1e6)} us | '
                         f'{r:.3f} | {fmt_interval(iv)} | '
                         f'{boot_to_boot(w_boots)} / {boot_to_boot(o_boots)} |')
            items.append((label, {'median': r, 'min': iv[0], 'max': iv[1]}))
            # Unchanged: the interval holds 1, or says the series is faster.
            goals.append((f'{label}: unchanged within noise', r, iv,
                          'NOT MET' if iv[0] > 1 else 'met (faster)' if iv[1] < 1 else 'met'))
        bars(args.out, 'everyone-else', 'With the series / without', 'ratio of medians', items)

    lines += ['', '## Goals', '',
              'A goal is met or NOT MET where the whole 95 % interval of its ratio says so, '
              'and not resolved where the interval holds the goal: then the noise of this '
              'run is larger than the difference.', '',
              '| goal | ratio | 95 % interval | verdict |', '|---|---|---|---|']
    for text, value, iv, met in goals:
        v = 'n/a' if value is None else f'{value:.3f}'
        lines.append(f'| {text} | {v} | {fmt_interval(iv)} | {met} |')
    if bad:
        lines += ['', 'Mappings not as claimed: ' +
                  ', '.join(f"{r['case']} ({r['count']} kB)" for r in bad)]
    text = '\n'.join(lines) + '\n'
    with open(os.path.join(args.out, 'table.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(args.out, 'results.json'), 'w') as f:
        json.dump({'config': args.config, 'figures': fig,
                   'goals': [{'goal': t, 'value': v, 'interval': iv, 'verdict': m}
                             for t, v, iv, m in goals]},
                  f, indent=1)
    with open(os.path.join(args.out, 'results.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['kernel'] + HEADER)
        boots = [(f'patched-{i + 1}', rs) for i, rs in enumerate(patched_boots)]
        boots += [(f'base-{i + 1}', rs) for i, rs in enumerate(base_boots)]
        for kernel, rs in boots:
            for r in rs:
                w.writerow([kernel] + [r[h] for h in HEADER])
    print(text)
    return 1 if bad else 0


def unpaired(s):
    """s without the order of its repetitions: for figures that did not run in turns."""
    return {k: v for k, v in s.items() if k != 'seq'}


def pooled(stats):
    """One figure from the repetitions of several boots."""
    v = sorted(x for s in stats for x in s['values'])
    return {'median': statistics.median(v), 'min': v[0], 'max': v[-1], 'n': len(v), 'values': v}


def boot_to_boot(stats):
    return 'n/a' if len(stats) < 2 else f"{stats[1]['median'] / stats[0]['median']:.3f}"


def scaled(s, k):
    if not s:
        return s
    return {key: v if key == 'n' else [x * k for x in v] if key in ('values', 'seq') else v * k
            for key, v in s.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', metavar='CSV')
    ap.add_argument('--out')
    ap.add_argument('--patched')
    ap.add_argument('--patched-again', nargs='+')
    ap.add_argument('--base', nargs='+')
    ap.add_argument('--config', default='')
    args = ap.parse_args()
    try:
        if args.check:
            check(args.check)
            return 0
        if not args.out or not args.patched:
            ap.error('--out and --patched, or --check')
        return report(args)
    except ValueError as e:
        print(f'bench-report: {e}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
