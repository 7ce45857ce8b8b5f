#!/usr/bin/env python3
"""Count the results of make check and print the closing line.

Reads TAP files (static checks, one per kselftest) and the KUnit JSON that
kunit.py parse wrote, applies tests/expected-skips, and prints
"N passed, N failed, N skipped".  Exits 1 on any failure or unexpected skip.
"""
import argparse
import fnmatch
import json
import re
import sys

TAP_RESULT = re.compile(r'^(not )?ok \d+ (.*?)(?:\s+#\s*(SKIP|TODO)\b\s*(.*))?$', re.I)
TAP_PLAN = re.compile(r'^1\.\.(\d+)')


def parse_tap(path):
    """Yield (name, status, detail) for the top-level results of a TAP file."""
    planned, seen = None, 0
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if m := TAP_PLAN.match(line):
                planned = int(m.group(1))
            elif m := TAP_RESULT.match(line):
                seen += 1
                if m.group(3) and m.group(3).upper() == 'SKIP':
                    yield m.group(2), 'skip', m.group(4)
                else:
                    yield m.group(2), 'fail' if m.group(1) else 'pass', ''
    if planned is None or seen != planned:
        yield '(complete run)', 'fail', f'{seen} results, plan {planned}'


def parse_kunit(path):
    """Yield (suite.case, status, '') for every KUnit test case."""
    def walk(group, prefix):
        for case in group.get('test_cases', []):
            status = {'PASS': 'pass', 'SKIP': 'skip'}.get(case['status'], 'fail')
            yield f"{prefix}{case['name']}", status, ''
        for sub in group.get('sub_groups', []):
            yield from walk(sub, f"{sub['name']}.")
    with open(path) as f:
        yield from walk(json.load(f), '')


def load_expected_skips(path):
    rules = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                pattern, _, reason = line.partition('|')
                rules.append((pattern.strip(), reason.strip()))
    return rules


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--tap', action='append', default=[], metavar='SOURCE=FILE')
    ap.add_argument('--kunit', metavar='JSON')
    ap.add_argument('--expected-skips', required=True)
    args = ap.parse_args()

    results = []
    for spec in args.tap:
        source, _, path = spec.partition('=')
        results += [(source, *r) for r in parse_tap(path)]
    if args.kunit:
        results += [('kunit', *r) for r in parse_kunit(args.kunit)]
    if not results:
        results.append(('make check', 'no tests ran', 'fail', ''))

    rules = load_expected_skips(args.expected_skips)
    counts = {'pass': 0, 'fail': 0, 'skip': 0}
    for source, name, status, detail in results:
        full = f'{source}: {name}'
        if status == 'skip':
            if not any(fnmatch.fnmatchcase(full, p) for p, _ in rules):
                print(f'FAIL (unexpected skip) {full}: {detail}')
                status = 'fail'
        elif status == 'fail':
            print(f'FAIL {full} {detail}'.rstrip())
        counts[status] += 1

    print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")
    return 1 if counts['fail'] else 0


if __name__ == '__main__':
    sys.exit(main())
