"""`python -m fundlens.dbt_cli <dbt command and options>`: dbt's command line, run in
this process, telling its caller (`build.run_dbt`) only what the caller reads.

dbt formats every event it fires as a log line, the debug ones included (each query,
each connection), before its log level drops them: about a tenth of a small build's
time. Here dbt logs nothing (`--log-level none`); a callback writes one JSON line, as
`dbt --log-format json` would, for each event the caller reads: warnings, errors, the
end of the parse and each node's result. Its exit code is dbt's: 0 done, 1 failed
(a model, test or selection), 2 dbt could not run.

With `--wait` first, it imports dbt (about 3 s), then waits for a line `go` on stdin
before it runs, so its caller can do other work meanwhile; it ends (3) without running
on anything else, or when stdin is closed.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence

# dbt's first info-level events after it has parsed the project: `build` and `run` say
# what they found; `parse` says where it wrote its performance report.
PARSED_EVENTS = ("FoundStats", "ParsePerfInfoPath")
GO = "go\n"
_TOLD = frozenset({*PARSED_EVENTS, "UnableToPartialParse"})


def read_by_caller(name: str, level: str) -> bool:
    """Whether `build.run_dbt` reads the event `name` fired at `level`."""
    return (
        level in ("warn", "error")
        or name in _TOLD
        or (name.startswith("Log") and name.endswith("Result"))  # a node's result
    )


def main(args: Sequence[str] | None = None) -> int:
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_json

    errors = 0
    one_line_at_a_time = threading.Lock()  # dbt's worker threads fire events too

    def tell(msg) -> None:
        nonlocal errors
        if read_by_caller(msg.info.name, msg.info.level):
            line = msg_to_json(msg) + "\n"
            with one_line_at_a_time:
                errors += msg.info.level == "error"
                sys.stdout.write(line)
                sys.stdout.flush()

    args = list(sys.argv[1:] if args is None else args)
    if args[:1] == ["--wait"]:
        args = args[1:]
        if sys.stdin.readline() != GO:
            return 3
    result = dbtRunner(callbacks=[tell]).invoke([*args, "--log-level", "none"])
    if result.success:
        return 0
    if result.exception is None:  # dbt ran, and a node or the selection failed
        return 1
    if not errors:  # a usage error, say, which dbt reports to no one
        print(f"{type(result.exception).__name__}: {result.exception}", flush=True)
    return 2


if __name__ == "__main__":
    sys.exit(main())
