#!/usr/bin/env python3
"""Turn rdma_pin_bench's CSV rows into the table, JSON and figures of make bench.

usage: bench-report.py --check CSV
       bench-report.py --out DIR --patched CSV [--base CSV] [--config TEXT]

--check only asserts that CSV is a well-formed table (make check's smoke
run).  Otherwise the report goes to DIR: results.csv (all rows, with the
kernel they come from), results.json (median, min, max of each figure),
table.md (also printed) and one PNG per figure, drawn with gnuplot.  Every
figure is the median of its repetitions, with min and max as its spread.
Exits 1 if a figure's mapping was not what its name claims.
"""
import argparse
import csv
import json
import math
import os
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
                'n': len(v)}


def per_gib(r, v):
    return v * GIB / (int(r['param']) << 20)


def mb_per_s(r, v):
    return int(r['param']) / v / 1e6


def fmt(s, scale=1.0, unit=''):
    if not s:
        return 'n/a'
    return (f"{s['median'] * scale:.4g}{unit} "
            f"[{s['min'] * scale:.4g}-{s['max'] * scale:.4g}]")


def ratio(a, b):
    if not a or not b or not b['median']:
        return None
    return a['median'] / b['median']


def noise(*stats):
    """Relative spread of the figures compared: their noise bound."""
    return sum((s['max'] - s['min']) / s['median'] for s in stats if s and s['median'])


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
    base_rows = read_rows(args.base) if args.base else []
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
        r, a = ratio(fig[f'reg/{c}'], devdax), ratio(anon, fig[f'reg/{c}'])
        goals.append((f'{c} registration <= 1.1x device-DAX', r, r is not None and r <= 1.1))
        goals.append((f'{c} registration >= 10x faster than anon-4k '
                      f'(device-DAX itself: {best_text})', a, a is not None and a >= 10))

    # 2. Data path.
    lines += ['', '## RDMA WRITE and READ (MB/s at 64 KiB, us per op at 4 KiB)', '',
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
    if odp_first:
        lines.append(f'\nODP, first access of each 64 KiB (page faults): '
                     f'{fmt(odp_first, 1e6, " us")} per WRITE, against '
                     f'{fmt(fig["write4/xfs-dax-odp"], 1e6, " us")} per 4 KiB WRITE after.')
    bars(args.out, 'bandwidth', 'RDMA WRITE, 64 KiB each', 'MB/s',
         [(c, fig[f'write64/{c}']) for c in data_cases])
    for c in ('xfs-pin-pmd', 'ext4-pin-pmd'):
        for op in ('write', 'read'):
            r = ratio(fig[f'{op}64/{c}'], fig[f'{op}64/anon-4k'])
            goals.append((f'{c} RDMA {op.upper()} bandwidth >= 0.95x anon-4k', r,
                          r is not None and r >= 0.95))

    # 3. What the filesystem pays.
    lines += ['', '## Layout changes of unpinned files (us per change)', '',
              '| filesystem | change | rdma_pin | plain dax | ratio |', '|---|---|---|---|---|']
    layout_items = []
    for fs in ('xfs', 'ext4'):
        for op in ('truncate', 'punch', 'fallocate', 'reflink'):
            pin, dax = p.stat('layout', f'{fs}-pin', op), p.stat('layout', f'{fs}-dax', op)
            if not pin and not dax:
                continue
            r = ratio(pin, dax)
            fig[f'layout/{fs}/{op}'] = {'rdma_pin': pin, 'dax': dax}
            lines.append(f'| {fs} | {op} | {fmt(pin, 1e6)} | {fmt(dax, 1e6)} | '
                         f'{"n/a" if r is None else f"{r:.3f}"} |')
            layout_items += [(f'{fs} {op} pin', scaled(pin, 1e6)), (f'{fs} {op} dax', scaled(dax, 1e6))]
            bound = 1.02 + noise(pin, dax)
            goals.append((f'{fs} {op} on unpinned files <= 1.02x plain dax '
                          f'(noise bound {bound:.3f})', r, r is not None and r <= bound))
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
                              per_decade, per_decade <= 1.5))

    # 4. What everyone else pays: the same kernel config without the series.
    lines += ['', '## What everyone else pays: with the series / without (ratio of medians)', '']
    if not base_rows:
        lines.append('Not measured: no kernel without the series (RDMA_PIN_BASE=0).')
    else:
        lines += ['| figure | with | without | ratio | noise bound |', '|---|---|---|---|---|']
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
            with_, without = p.stat(section, case, param), b.stat(section, case, param)
            if not with_ or not without:
                continue
            r, bound = ratio(with_, without), noise(with_, without)
            label = ' '.join(k for k in key)
            fig[f'others/{label}'] = {'with': with_, 'without': without}
            lines.append(f'| {label} | {fmt(with_, 1e6)} us | {fmt(without, 1e6)} us | '
                         f'{r:.3f} | {bound:.3f} |')
            items.append((label, {'median': r, 'min': r, 'max': r}))
            goals.append((f'{label}: unchanged within noise (1 +- {bound:.3f})', r,
                          abs(r - 1) <= bound))
        bars(args.out, 'everyone-else', 'With the series / without', 'ratio of medians', items)

    lines += ['', '## Goals', '', '| goal | figure | met |', '|---|---|---|']
    for text, value, met in goals:
        v = 'n/a' if value is None else f'{value:.3f}'
        lines.append(f'| {text} | {v} | {"met" if met else "NOT MET"} |')
    if bad:
        lines += ['', 'Mappings not as claimed: ' +
                  ', '.join(f"{r['case']} ({r['count']} kB)" for r in bad)]
    text = '\n'.join(lines) + '\n'
    with open(os.path.join(args.out, 'table.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(args.out, 'results.json'), 'w') as f:
        json.dump({'config': args.config, 'figures': fig,
                   'goals': [{'goal': t, 'value': v, 'met': m} for t, v, m in goals]},
                  f, indent=1)
    with open(os.path.join(args.out, 'results.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['kernel'] + HEADER)
        for kernel, rs in (('patched', rows), ('base', base_rows)):
            for r in rs:
                w.writerow([kernel] + [r[h] for h in HEADER])
    print(text)
    return 1 if bad else 0


def scaled(s, k):
    return s and {key: (v * k if key != 'n' else v) for key, v in s.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', metavar='CSV')
    ap.add_argument('--out')
    ap.add_argument('--patched')
    ap.add_argument('--base')
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
