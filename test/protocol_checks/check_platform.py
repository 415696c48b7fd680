#!/usr/bin/env python3
"""Runs a shipped platform with platform.protocol_checks=true (a TLM base-protocol checker on
every socket binding) and asserts: exit 0, one checker per connection of the effective
config, traffic through the checkers, and no violation anywhere."""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--set", action="append", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="spatialvp_protocol_") as folder:
        command = [args.binary, "run", args.config, "--quiet", "--out", folder,
                   "--set", "platform.protocol_checks=true"]
        for setting in args.set:
            command += ["--set", setting]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            sys.exit(f"exit {result.returncode}: {result.stderr[-3000:]}")
        config = yaml.safe_load((Path(folder) / "config.yaml").read_text())
        stats = json.loads((Path(folder) / "stats.json").read_text())
    connections = len(config.get("connections") or [])
    checkers = {name: module for name, module in stats["modules"].items()
                if module["type"] == "protocol_checker"}
    checked = sum(c["counters"]["transactions"]["value"] for c in checkers.values())
    violations = {name: c["counters"]["violations"]["value"] for name, c in checkers.items()
                  if c["counters"]["violations"]["value"]}
    problems = []
    if connections == 0 or len(checkers) != connections:
        problems.append(f"{len(checkers)} checkers for {connections} connections")
    if checked == 0:
        problems.append("no transaction went through a checker")
    if violations:
        problems.append(f"violations: {violations}")
    if problems:
        sys.exit("; ".join(problems))
    print(f"{args.config}: {len(checkers)} checkers, {checked} transactions, no violation")


if __name__ == "__main__":
    main()
