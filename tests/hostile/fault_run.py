"""Long local fault run: many kill -9 trials, repeated two-writer rounds, the 200×200 load.

    python -m tests.hostile.fault_run                 # the defaults below (~10 minutes)
    python -m tests.hostile.fault_run --kills 500 --rounds 20 --feeds 200

Prints one JSON object with every figure (the README's reliability section quotes them)
and exits 1 if any promise was broken. CI runs the short versions in test_faults.py;
``SINOWIRE_LONG=1 pytest tests/hostile`` runs the long ones through pytest instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from tests.hostile.faults import concurrent_writers, kill_trials, load_poll


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200, help="kill -9 trials")
    parser.add_argument("--rounds", type=int, default=10, help="two-writer rounds")
    parser.add_argument("--feeds", type=int, default=200, help="feeds in the load run")
    parser.add_argument("--entries", type=int, default=200, help="entries per feed")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sinowire-faults-") as tmp:
        folder = Path(tmp)
        kills = kill_trials(folder / "kill", trials=args.kills, seed=args.seed)
        print(f"kill -9: {kills}", file=sys.stderr)
        writers = concurrent_writers(folder / "writers", rounds=args.rounds, cli_processes=3)
        print(f"two writers: {writers}", file=sys.stderr)
        load = load_poll(folder / "load", feeds=args.feeds, entries=args.entries)
        print(f"load: {load}", file=sys.stderr)
    broken = (kills.losses or kills.state_losses or kills.partial_batches or kills.inconsistent
              or writers.errors or writers.duplicates or writers.lost or not writers.consistent
              or load.errors != 15)
    print(json.dumps({"kill": asdict(kills), "writers": asdict(writers), "load": asdict(load),
                      "ok": not broken}, indent=1))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
