#!/usr/bin/env python3
"""The critest ratchet: reads critest's JUnit report, prints the summary and
fails when a spec listed in expected-pass.txt did not pass.

  ratchet.py JUNIT_XML [--expected FILE] [--unreachable FILE] [--filtered] [--update]

Spec names are the JUnit test case names without ginkgo's "[It] " prefix,
e.g. "[k8s.io] Image Manager should pull image with tag [Conformance] [Serial]".
Specs that the focus/skip filters left out (critest skips its benchmark
specs by default) count as not run, and are not in the passing ratio.
expected-pass.txt: one spec name per line, sorted (C order); it only grows.
unreachable.txt: "spec name | reason" per line, for specs no runtime can pass
offline; '#' starts a comment line in both files.
--filtered: critest ran with --focus/--skip, so listed specs that were not
run (skipped or absent) are not regressions.
--update: appends the newly passing specs to expected-pass.txt.
Exit status: 0 ok, 1 regression (or a broken report), 2 bad usage.
"""
import argparse
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))


def read_list(path, split_reason=False):
    items = {}
    if not os.path.exists(path):
        return items
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n").strip()
            if not line or line.startswith("#"):
                continue
            if split_reason:
                name, _, reason = line.partition(" | ")
                items[name.strip()] = reason.strip()
            else:
                items[line] = ""
    return items


def status_of(case):
    status = case.get("status")
    if status:
        return status
    if case.find("failure") is not None or case.find("error") is not None:
        return "failed"
    if case.find("skipped") is not None:
        return "skipped"
    return "passed"


def refine(case, status):
    """ginkgo writes <skipped message="skipped"/> for a spec that the focus,
    skip or label filters left out, and "skipped - REASON" for Skip(REASON)
    inside the spec; only the latter ran."""
    if status == "skipped":
        sk = case.find("skipped")
        if sk is not None and sk.get("message", "") in ("skipped", "pending"):
            return "not-run"
    return status


def read_report(path):
    """Returns ({spec name: status}, [failed suite-level nodes])."""
    specs, suite_failures = {}, []
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        name = case.get("name", "")
        status = refine(case, status_of(case))
        if name.startswith("[It] "):
            specs[name[len("[It] "):]] = status
        elif status not in ("passed", "skipped"):
            suite_failures.append(f"{name}: {status}")
    return specs, suite_failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("junit")
    ap.add_argument("--expected", default=os.path.join(HERE, "expected-pass.txt"))
    ap.add_argument("--unreachable", default=os.path.join(HERE, "unreachable.txt"))
    ap.add_argument("--filtered", action="store_true")
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()

    expected = read_list(args.expected)
    unreachable = read_list(args.unreachable, split_reason=True)
    try:
        specs, suite_failures = read_report(args.junit)
    except (OSError, ET.ParseError) as e:
        print(f"ratchet: no usable JUnit report at {args.junit}: {e}", file=sys.stderr)
        return 1
    if not specs:
        print(f"ratchet: the JUnit report {args.junit} holds no specs", file=sys.stderr)
        return 1

    def names(status):
        return sorted(n for n, s in specs.items() if s == status)

    passed, failed, skipped = names("passed"), names("failed"), names("skipped")
    not_run = names("not-run")
    other = sorted(n for n, s in specs.items() if s not in ("passed", "failed", "skipped", "not-run"))
    failing = sorted(failed + other)
    new_pass = [n for n in passed if n not in expected]
    regressions = []
    for n in sorted(expected):
        s = specs.get(n, "missing")
        if s == "passed":
            continue
        if args.filtered and s in ("not-run", "missing"):
            continue
        regressions.append((n, s))

    print("")
    print("=== critest summary ===")
    if failing:
        print(f"Failing specs ({len(failing)}):")
        for n in failing:
            tag = "  [unreachable offline]" if n in unreachable else ""
            print(f"  FAIL {n}  ({specs[n]}){tag}" if specs[n] != "failed" else f"  FAIL {n}{tag}")
    if suite_failures:
        print("Suite-level failures:")
        for s in suite_failures:
            print(f"  {s}")
    if new_pass:
        if args.update:
            merged = sorted(set(expected) | set(new_pass))
            with open(args.expected, "w", encoding="utf-8") as f:
                f.write("".join(n + "\n" for n in merged))
            print(f"Newly passing, added to {os.path.relpath(args.expected)} ({len(new_pass)}):")
        else:
            print(f"Newly passing, not yet in {os.path.relpath(args.expected)} "
                  f"({len(new_pass)}; add them, or rerun with --update-expected):")
        for n in new_pass:
            print(f"  NEW  {n}")
    if regressions:
        print(f"REGRESSIONS: listed in {os.path.relpath(args.expected)} but did not pass ({len(regressions)}):")
        for n, s in regressions:
            print(f"  LOST {n}  ({s})")

    ran = [n for n in specs if specs[n] != "not-run"]
    unreach = sum(1 for n in ran if n in unreachable)
    reachable = len(ran) - unreach
    print(f"critest: passed={len(passed)} failed={len(failing)} skipped={len(skipped)} "
          f"not-run={len(not_run)} (specs: {len(specs)}{', focused run' if args.filtered else ''})")
    reach_pass = sum(1 for n in passed if n not in unreachable)
    print(f"critest: {reach_pass}/{reachable} passing, {unreach} unreachable offline")
    if regressions:
        print(f"ratchet: FAILED, {len(regressions)} listed spec(s) no longer pass")
        return 1
    print(f"ratchet: ok ({len(expected) + (len(new_pass) if args.update else 0)} specs listed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
