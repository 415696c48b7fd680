#!/usr/bin/env python3
"""Runs one case of cases.yaml against the real spatialvp binary.

A case writes its files into a fresh folder, runs the CLI there (so relative names behave as
for a user in that folder) under a memory and time cap, and checks the exit code and that
stderr names the location and key, and that no stale output is left (no output folder after a
configuration error, no staging folder after any run). A crash, a hang or a memory blow-up
fails the case.
"""
import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

MEMORY_CAP = 4 << 30  # a bad input must be refused long before this
TIME_CAP_SECONDS = 60


def cap_resources():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--cases", required=True)
    parser.add_argument("--case", required=True)
    parser.add_argument("--no-memory-cap", action="store_true",
                        help="sanitizer builds reserve large shadow memory")
    args = parser.parse_args()
    cases_file = Path(args.cases).resolve()
    document = yaml.safe_load(cases_file.read_text())
    base = document["base"]
    case = next((c for c in document["cases"] if c["name"] == args.case), None)
    if case is None:
        sys.exit(f"no case named {args.case}")
    folder = Path(tempfile.mkdtemp(prefix="spatialvp_bad_"))
    try:
        for name, text in case.get("files", {}).items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, dict) and "npy_header" in text:
                # A .npy preamble (magic, version 1.0, header length) around the header text.
                header = text["npy_header"].encode("latin-1")
                path.write_bytes(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") +
                                 header + b"\x00" * text.get("data_bytes", 0))
                continue
            if isinstance(text, dict) and "repeat" in text:
                text = text["repeat"] * text["times"]
            path.write_text(str(text).replace("{{BASE}}", base), encoding="latin-1")
        for name, source in case.get("copy", {}).items():
            shutil.copy(cases_file.parent.parent.parent / source, folder / name)
        for name, source in case.get("copy_built", {}).items():  # relative to the binary's folder
            shutil.copy(Path(args.binary).resolve().parent / source, folder / name)
        command = [str(Path(args.binary).resolve())] + [str(a) for a in case["args"]]
        if case["args"][0] == "run":
            command += ["--out", str(folder / "out"), "--quiet"]
        try:
            result = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                                    timeout=TIME_CAP_SECONDS,
                                    preexec_fn=None if args.no_memory_cap else cap_resources)
        except subprocess.TimeoutExpired:
            sys.exit(f"FAIL {args.case}: still running after {TIME_CAP_SECONDS} s")
        failures = []
        if result.returncode != case["exit"]:
            failures.append(f"exit code {result.returncode}, expected {case['exit']}")
        for fragment in case.get("stderr", []):
            if str(fragment) not in result.stderr:
                failures.append(f"stderr lacks {fragment!r}")
        # No stale or half-written outputs: a configuration error (exit 2) writes no output
        # folder at all, and no run leaves a staging folder behind.
        if case["args"][0] == "run" and result.returncode == 2 and (folder / "out").exists():
            failures.append("a configuration error left an output folder")
        leftovers = [p.name for p in folder.iterdir() if ".tmp-" in p.name]
        if leftovers:
            failures.append(f"staging folders left behind: {leftovers}")
        if failures:
            print("command:", " ".join(command))
            print("stderr:", result.stderr[-2000:])
            sys.exit(f"FAIL {args.case}: " + "; ".join(failures))
        print(f"ok {args.case}: exit {result.returncode}: {result.stderr.strip()[:300]}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
