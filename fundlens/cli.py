"""The `fundlens` command: a thin layer over refresh.py and the app."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from fundlens import PROJECT_DIR, SEEDS_DIR
from fundlens.errors import FundLensError
from fundlens.home import (
    PUBLIC_MODE_ENV,
    PUBLIC_MODES,
    check_home,
    published_version,
    read_runs,
    resolve_home,
)
from fundlens.refresh import RefreshBusy, refresh, rollback

EXIT_FAILED = 1  # bad input, failed audit, nothing to roll back
EXIT_BUSY = 3  # another refresh or rollback holds the lock

HOME_HELP = "FundLens home (default: $FUNDLENS_HOME, else .fundlens/ in the project)"


# What may not reach a terminal as it is: control characters (ESC starts the sequences
# that move the cursor, recolour or retitle the terminal) other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`), never sent."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _say(message: str, file=None) -> None:
    print(terminal_safe(message), file=file or sys.stdout, flush=True)


def _progress(message: str) -> None:
    _say(message, sys.stderr)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def cmd_refresh(args: argparse.Namespace) -> int:
    record = refresh(
        args.seeds,
        args.home,
        keep=args.keep,
        wait=args.wait,
        progress=_progress,
        public_readable=args.public_readable,
    )
    home = resolve_home(args.home)
    tests = record["tests"]
    _say(
        f"Published version {record['version_id']} in {home}\n"
        f"  {sum(v['rows'] or 0 for v in record['inputs'].values())} input rows, "
        f"{len(record['marts'])} marts, "
        f"{sum(tests.values())} checks ({tests.get('pass', 0)} passed), "
        f"{sum(record['timings'].values()):.1f}s"
    )
    for line in warning_lines(record):
        _say(line)
    for note in record.get("notes") or []:
        _say(f"Note: {note}")
    return 0


def warning_lines(record: dict, examples: int = 3) -> list[str]:
    """What a run's warnings say, for a terminal: one line each, then its first examples."""
    warnings = record.get("data_warnings") or []
    if not warnings:
        return []
    lines = [f"{len(warnings)} warning(s) (published anyway; worth a look):"]
    for w in warnings:
        lines.append(f"  [{w['check']}] {w['message']}: {w['count']} row(s)")
        for example in (w.get("examples") or [])[:examples]:
            lines.append("      " + ", ".join(f"{k}={v}" for k, v in example.items()))
    return lines


def cmd_rollback(args: argparse.Namespace) -> int:
    version = rollback(args.home, wait=args.wait, public_readable=args.public_readable)
    _say(f"Republished version {version} in {resolve_home(args.home)}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    check_home(home, write=False)
    notes: list[str] = []
    runs = read_runs(home, limit=args.limit, notes=notes)
    current = published_version(home)
    if args.json:
        status = {"home": str(home), "published": current, "runs": runs, "notes": notes}
        print(json.dumps(status, indent=2))
        return 0
    _say(f"Home:      {home}")
    _say(f"Published: {current or 'nothing yet (run `fundlens refresh`)'}")
    if runs:
        _say("\nLast runs (newest first):")
    for run in runs:
        took = sum((run.get("timings") or {}).values())
        _say(
            f"  {run['run_id']}  {run['outcome']:<11}  started {run.get('started_at')}  "
            f"{took:6.1f}s  {run.get('action', 'refresh')}"
        )
        if run["outcome"] in ("failed", "interrupted") and run.get("error"):
            first_lines = str(run["error"]).splitlines()[:6]
            _say("\n".join("      " + line for line in first_lines))
    published = next((r for r in runs if r.get("version_id") == current and r.get("tests")), None)
    if published:
        for line in warning_lines(published):
            _say(line)
    for note in notes:
        _say(f"Note: {note}")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    if published_version(home) is None:
        print(
            f"Note: nothing is published in {home} yet; run `fundlens refresh` first.",
            file=sys.stderr,
        )
    os.environ["FUNDLENS_HOME"] = str(home)
    streamlit_args = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_DIR / "app" / "streamlit_app.py"),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]
    os.execv(sys.executable, streamlit_args)
    return 0  # not reached


def _public_readable_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--public-readable",
        choices=list(PUBLIC_MODES),
        metavar="WHO",
        help="who besides you may read public.duckdb: owner (nobody else), group (your "
        "group) or all (every user of this machine); default $"
        f"{PUBLIC_MODE_ENV}, else group. Everything else in the home, including the "
        "warehouse with LP data, is readable by you only.",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fundlens",
        description=(
            "FundLens: a portfolio-tracking warehouse for venture funds. "
            "Load the input CSVs, build and publish the marts, and explore them."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "refresh",
        help="validate the input CSVs, build the warehouse and publish it",
        description=(
            "Write-audit-publish: load and validate every input CSV, build every model "
            "and run every test into a new candidate, then publish it atomically. On any "
            "problem nothing published changes, and the report names file, line, column "
            "and rule. Exit codes: 0 published, 1 refused (bad input or failed audit), "
            "3 another refresh is running."
        ),
    )
    p.add_argument(
        "--seeds",
        type=Path,
        default=SEEDS_DIR,
        metavar="DIR",
        help="directory with the input CSVs (default: the demo data in seeds/); "
        "segments/industries/countries may be left out to use the shipped ones",
    )
    p.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    p.add_argument(
        "--keep", type=_positive, default=5, metavar="N", help="versions kept (default 5)"
    )
    p.add_argument("--wait", action="store_true", help="queue behind a running refresh")
    _public_readable_option(p)
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser(
        "rollback",
        help="republish the previous version",
        description="Point the published warehouse back at the previous kept version.",
    )
    p.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    p.add_argument("--wait", action="store_true", help="queue behind a running refresh")
    _public_readable_option(p)
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser(
        "status",
        help="show the published version and the last runs",
        description="Show the published version and the last refresh runs, with errors.",
    )
    p.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="runs shown (default 10)")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "app",
        help="start the web app",
        description="Start the FundLens web app on the published warehouse.",
    )
    p.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this machine only)",
    )
    p.set_defaults(func=cmd_app)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RefreshBusy as exc:
        _say(f"fundlens {args.command}: {exc}", sys.stderr)
        return EXIT_BUSY
    except FundLensError as exc:
        _say(f"fundlens {args.command}: {exc}", sys.stderr)
        return EXIT_FAILED
    except OSError as exc:  # the home or an input cannot be read or written
        what = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
        _say(f"fundlens {args.command}: cannot go on: {what}", sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"fundlens {args.command}: interrupted; nothing was published.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
