"""The `fundlens` command: a thin layer over refresh.py, sandbox.py and the app.

Imports stay lean at module level: `fundlens sql` must start fast, so the heavy
modules (refresh pulls in duckdb and dbt's runner) load inside their commands.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

from fundlens import PROJECT_DIR, SEEDS_DIR, users
from fundlens.errors import FundLensError
from fundlens.generate import PRESETS
from fundlens.home import (
    PUBLIC_MODE_ENV,
    PUBLIC_MODES,
    check_home,
    published_version,
    read_runs,
    resolve_home,
)

ENGINES = ("duckdb", "spark")  # refresh.ENGINES (not imported: `fundlens sql` starts lean)

SLOWEST_SHOWN = 5  # dbt nodes listed after a refresh

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


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def cmd_refresh(args: argparse.Namespace) -> int:
    from fundlens.refresh import refresh

    record = refresh(
        args.seeds,
        args.home,
        keep=args.keep,
        wait=args.wait,
        engine=args.engine,
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
        + (f" on Spark; Parquet marts in {home / 'spark'}" if args.engine == "spark" else "")
    )
    steps = ", ".join(f"{name} {took:.1f}s" for name, took in record["timings"].items())
    parse = record.get("dbt", {}).get("parse_seconds")
    print(f"  steps: {steps}" + (f" (dbt parse {parse:.1f}s of the build)" if parse else ""))
    slowest = record.get("dbt", {}).get("nodes", [])[:SLOWEST_SHOWN]
    if slowest:
        print("  slowest dbt nodes: " + ", ".join(
            f"{n['node'].split('.')[-1]} {n['seconds']:.1f}s" for n in slowest
        ))  # fmt: skip
    for line in warning_lines(record):
        _say(line)
    for note in record.get("notes") or []:
        _say(f"Note: {note}")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_generate(args: argparse.Namespace) -> int:
    preset = PRESETS[args.preset]
    funds = args.funds or preset.funds
    companies = args.companies or preset.companies
    started = time.perf_counter()
    from fundlens.generate.writer import generate

    # `timeout` and service managers stop with SIGTERM: clean up as after Ctrl-C
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if on_main_thread else None
    try:
        counts = generate(args.out, seed=args.seed, funds=funds, companies=companies, progress=True)
    except KeyboardInterrupt:  # each file is written whole or not at all
        print(
            f"fundlens generate: interrupted; {args.out} holds only the files finished so far; "
            "run it again.",
            file=sys.stderr,
        )
        return 130
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)
    print(
        f"Wrote {len(counts)} files, {sum(counts.values()):,} rows ({funds} funds, "
        f"{companies} companies, seed {args.seed}) to {args.out} "
        f"in {time.perf_counter() - started:.1f}s"
    )
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
    from fundlens.refresh import rollback

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


def _quarter(text: str) -> dt.date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a date written YYYY-MM-DD (a quarter end, e.g. 2026-09-30)"
    )


def cmd_report(args: argparse.Namespace) -> int:
    from fundlens import report  # reportlab and matplotlib load only for this command

    if args.all:
        if args.lp:
            raise FundLensError("--lp and --all exclude each other: --all writes every LP's.")
        if args.out is None:
            raise FundLensError("--all needs --out DIR, the folder to write the reports in.")
        bar = None

        def progress(done: int, total: int, job: report.BatchJob) -> None:
            nonlocal bar
            if bar is None:
                from tqdm import tqdm

                bar = tqdm(total=total, unit="report", file=sys.stderr, disable=None)
            bar.set_postfix_str(f"{job.fund_id} {job.lp_id}", refresh=False)
            bar.update(1)

        try:
            paths = report.write_batch(args.home, args.out, args.quarter, args.fund, progress)
        finally:
            if bar is not None:
                bar.close()
        funds = sorted({p.name.split("_")[0] for p in paths})
        print(f"Wrote {len(paths)} LP report(s) for {', '.join(funds)} to {args.out}")
        return 0
    if args.fund is None:
        raise FundLensError("Say which fund with --fund ID (or --all for every LP's report).")
    path = report.write_report(args.home, args.fund, args.quarter, args.lp, args.out)
    print(f"Wrote {path}")
    return 0


LOCAL_ADDRESSES = {"127.0.0.1", "localhost", "::1"}


TABLE_CELL_WIDTH = 60  # characters of one value in --format table; csv and json are whole


def _text(value: object) -> str:
    """One value as text: dates ISO 8601, NULL as an empty string."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _write_result(columns: list[str], rows: list[tuple], fmt: str) -> None:
    out = sys.stdout
    if fmt == "csv":
        import csv

        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(v) for v in row] for row in rows)
    elif fmt == "json":
        records = [
            {
                col: v if v is None or isinstance(v, bool | int | float | str) else _text(v)
                for col, v in zip(columns, row, strict=True)
            }
            for row in rows
        ]
        json.dump(records, out, indent=1, ensure_ascii=False, allow_nan=False, default=_text)
        out.write("\n")
    else:
        cells = [
            [
                "NULL"
                if v is None
                else (
                    t if len(t := _text(v)) <= TABLE_CELL_WIDTH else t[: TABLE_CELL_WIDTH - 1] + "…"
                )
                for v in row
            ]
            for row in rows
        ]
        numeric = [
            all(isinstance(row[i], int | float) or row[i] is None for row in rows) and bool(rows)
            for i in range(len(columns))
        ]
        widths = [max([len(col), *(len(r[i]) for r in cells)]) for i, col in enumerate(columns)]

        def line(values: list[str]) -> str:
            return "  ".join(
                v.rjust(w) if num else v.ljust(w)
                for v, w, num in zip(values, widths, numeric, strict=True)
            ).rstrip()

        out.write(line(list(columns)) + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for r in cells:
            out.write(line(r) + "\n")


def _analysis_sql(name: str) -> str:
    from fundlens.analyses import list_analyses

    found = {a.name: a for a in list_analyses()}
    if name not in found:
        raise FundLensError(f"no analysis {name!r}; there are: {', '.join(sorted(found))}")
    return found[name].sql


def cmd_sql(args: argparse.Namespace) -> int:
    from fundlens import sandbox

    query = args.query
    if args.analysis:
        if query is not None:
            raise FundLensError("give either a QUERY or --analysis, not both")
        query = _analysis_sql(args.analysis)
    elif query is None or query == "-":
        if sys.stdin.isatty():
            print("Type the query, then Ctrl-D:", file=sys.stderr, flush=True)
        query = sys.stdin.read()
    limits = sandbox.Limits(max_rows=args.max_rows, timeout_s=args.timeout)
    result = sandbox.Sandbox("fork").run(
        query, user=sandbox.ShellUser(), home=args.home, limits=limits
    )
    _write_result(result.columns, result.rows, args.format)
    rows = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    print(f"({rows} in {result.elapsed_s:.2f} s, version {result.version})", file=sys.stderr)
    if result.truncated:
        print(
            f"fundlens sql: showing the first {args.max_rows} rows only; the query returned "
            "more (raise --max-rows, or aggregate).",
            file=sys.stderr,
        )
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    if published_version(home) is None:
        print(
            f"Note: nothing is published in {home} yet; run `fundlens refresh` first.",
            file=sys.stderr,
        )
    if not users.list_users(home):
        print(
            f"Note: no users in {home} yet, so nobody can sign in; create one with "
            "`fundlens users add USERNAME --role operator --password-stdin`.",
            file=sys.stderr,
        )
    if args.address not in LOCAL_ADDRESSES:
        print(
            f"Warning: serving on {args.address}, not only this machine. Anyone who can reach "
            "it can try to sign in, and Streamlit sends passwords and LP data unencrypted: "
            "production needs HTTPS in front (a reverse proxy terminating TLS), and the "
            "README shows how to use your identity provider (st.login) instead of passwords.",
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


def _read_password(args: argparse.Namespace) -> str:
    """The new password: from standard input (--password-stdin), else asked twice."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise FundLensError("no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise FundLensError("give the password on standard input with --password-stdin")
    password = getpass.getpass("New password: ")
    if getpass.getpass("Repeat it: ") != password:
        raise FundLensError("the two passwords differ")
    return password


def cmd_users_add(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    users.User(args.username, args.role, args.lp_id)  # a bad role / lp_id before any prompt
    if args.role == "lp":
        users.check_lp_id(home, args.lp_id)
    user = users.add_user(home, args.username, args.role, _read_password(args), args.lp_id)
    lp = f" for LP {user.lp_id}" if user.lp_id else ""
    print(f"Added {user.role} {user.username}{lp} in {users.users_db_path(home)}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    listed = users.list_users(resolve_home(args.home))
    if args.json:
        print(json.dumps([u.__dict__ for u in listed], indent=2))
        return 0
    if not listed:
        print("No users yet: add one with `fundlens users add`.")
    for user in listed:
        print(f"{user.username:<24} {user.role:<9} {user.lp_id or ''}".rstrip())
    return 0


def cmd_users_remove(args: argparse.Namespace) -> int:
    users.remove_user(resolve_home(args.home), args.username)
    print(f"Removed {args.username}")
    return 0


def cmd_users_set_password(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    if users.get_user(home, args.username) is None:
        raise FundLensError(f"no user {args.username!r}")
    users.set_password(home, args.username, _read_password(args))
    print(f"Changed the password of {args.username}")
    return 0


def cmd_users_demo(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    created, path = users.create_demo_users(home)
    if not created:
        print(f"Demo users exist already; their passwords were written to {path} (0600).")
        return 0
    print(f"Demo users (demo credentials: shown once, also saved to {path}, readable by you only):")
    for user, password in created:
        lp = f"  (LP {user.lp_id})" if user.lp_id else ""
        print(f"  {user.username:<12} {password}  {user.role}{lp}")
    print("Replace them before real use: see `fundlens users --help` and the README.")
    return 0


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
            "and run every data test into a new candidate, then publish it atomically. On any "
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
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="what runs the dbt models and tests: duckdb (default, embedded) or spark "
        "(a local Spark session; needs `make java spark`; also publishes the public marts "
        "as Parquet folders in <home>/spark/)",
    )
    _public_readable_option(p)
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser(
        "generate",
        help="write a synthetic portfolio (every input CSV) for demos and benchmarks",
        description=(
            "Write a complete, valid input directory in the data contract's format: funds, "
            "companies, investments, exits, marks, FX, KPIs, LPs and commitments, plus the "
            "reference files. The same arguments always give byte-identical files. "
            "Presets: "
            + "; ".join(
                f"{name} ({p.funds} funds, {p.companies:,} companies: {p.about})"
                for name, p in PRESETS.items()
            )
            + ". --preset demo --out seeds reproduces the shipped demo data."
        ),
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="directory to write the CSVs into (created if missing; "
                   "files of the same names are replaced)")  # fmt: skip
    p.add_argument("--preset", choices=list(PRESETS), default="demo",
                   help="portfolio size (default: demo)")  # fmt: skip
    p.add_argument(
        "--funds", type=_positive, metavar="N", help="number of funds (overrides the preset)"
    )
    p.add_argument("--companies", type=_positive, metavar="N",
                   help="number of portfolio companies (overrides the preset)")  # fmt: skip
    p.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default: 7)")
    p.set_defaults(func=cmd_generate)

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
        "report",
        help="write the quarterly report (PDF) of a fund, or every LP's",
        description=(
            "Write the quarterly report of a fund as a PDF, laid out as LPs expect (ILPA): "
            "fund summary, capital account statement (QTD, YTD, since inception), "
            "portfolio and notes, from the published warehouse. With --lp, the report is "
            "that LP's (its own capital account, marked confidential for it); without, "
            "the capital account is the fund's total. --all writes the quarterly batch: "
            "one report per LP of every fund (or of --fund) into --out DIR. Report files "
            "are readable by their owner only. Exit codes: 0 written, 1 refused (unknown "
            "fund, quarter or LP; nothing published)."
        ),
    )
    p.add_argument("--fund", metavar="ID", help="the fund's fund_id (required without --all)")
    p.add_argument(
        "--quarter",
        type=_quarter,
        metavar="YYYY-MM-DD",
        help="the quarter end (default: the fund's latest reported quarter)",
    )
    p.add_argument("--lp", metavar="ID", help="the LP's lp_id: write that LP's report")
    p.add_argument(
        "--all", action="store_true", help="every LP's report for the quarter, into --out DIR"
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="the PDF file to write (default: FUND_QUARTER_LP.pdf here); with --all, the "
        "folder (created)",
    )
    p.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "sql",
        help="run one read-only SQL query on the published public marts",
        description=(
            "Run one read-only statement (SELECT, WITH, DESCRIBE, SUMMARIZE, SHOW or "
            "EXPLAIN) on <home>/public.duckdb in a sandbox: no files, network, extensions "
            "or settings, with time, memory and row limits. Exit codes: 0 with the result, "
            "1 with one sentence saying why the query was refused or failed."
        ),
        epilog=(
            "examples:\n"
            '  fundlens sql "select fund_id, fund_name from marts.dim_funds"\n'
            "  fundlens sql --format csv < my_query.sql > result.csv\n"
            "  fundlens sql --analysis top_holdings_latest_quarter\n"
            '  fundlens sql "show all tables"'
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", nargs="?", metavar="QUERY", help="the SQL (default: read stdin)")
    p.add_argument(
        "--analysis",
        metavar="NAME",
        help="run one of the dbt analyses in analyses/ instead (e.g. stale_marks)",
    )
    p.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    p.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default table)",
    )
    p.add_argument(
        "--max-rows",
        type=_positive,
        default=10_000,
        metavar="N",
        help="rows returned at most (default 10000); a note says when there were more",
    )
    p.add_argument(
        "--timeout",
        type=_positive_float,
        default=30.0,
        metavar="S",
        help="seconds the query may run (default 30)",
    )
    p.set_defaults(func=cmd_sql)

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

    p = sub.add_parser(
        "users",
        help="manage who may sign in to the app",
        description=(
            "Users of the app, kept in <home>/users.sqlite (readable by its owner only; "
            "passwords stored as argon2id hashes). Roles: operator (everything), analyst "
            "(public marts, no LP data), lp (one LP's funds and capital account; needs "
            f"--lp-id). Passwords: {users.PASSWORD_RULE}."
        ),
    )
    users_sub = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    u = users_sub.add_parser("add", help="add a user", description="Add a user.")
    u.add_argument("username", help=users.USERNAME_RULE)
    u.add_argument("--role", required=True, choices=users.ROLES)
    u.add_argument("--lp-id", metavar="ID", help="the LP a user of role lp reads (required for lp)")
    u.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    u.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    u.set_defaults(func=cmd_users_add)
    u = users_sub.add_parser("list", help="list the users", description="List the users.")
    u.add_argument("--json", action="store_true", help="machine-readable output")
    u.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    u.set_defaults(func=cmd_users_list)
    u = users_sub.add_parser("remove", help="remove a user", description="Remove a user.")
    u.add_argument("username")
    u.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    u.set_defaults(func=cmd_users_remove)
    u = users_sub.add_parser(
        "set-password", help="change a password", description="Change a user's password."
    )
    u.add_argument("username")
    u.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    u.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    u.set_defaults(func=cmd_users_set_password)
    u = users_sub.add_parser(
        "demo",
        help="create the demo users (make run does this)",
        description=(
            "Create one operator, one analyst and two LPs of different funds with generated "
            "passwords, print them once and append them to <home>/demo-credentials.txt (0600). "
            "Existing users are left alone. Demo credentials: replace them before real use."
        ),
    )
    u.add_argument("--home", type=Path, metavar="DIR", help=HOME_HELP)
    u.set_defaults(func=cmd_users_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except FundLensError as exc:
        _say(f"fundlens {args.command}: {exc}", sys.stderr)
        return exc.exit_code
    except OSError as exc:  # the home or an input cannot be read or written
        what = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
        _say(f"fundlens {args.command}: cannot go on: {what}", sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"fundlens {args.command}: interrupted; nothing was published.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
