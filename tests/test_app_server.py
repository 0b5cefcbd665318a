"""`fundlens app` serves the app on localhost only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

FUNDLENS = Path(sys.executable).with_name("fundlens")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """The IPv4/IPv6 addresses a socket listens on at `port`, read from /proc/net."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            next(fh)
            for row in fh:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_app_serves_on_localhost_only(demo_home: Path):
    port = _free_port()
    proc = subprocess.Popen(
        [str(FUNDLENS), "app", "--home", str(demo_home), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "FUNDLENS_HOME": ""},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as r:
                    assert r.read() == b"ok"
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "the app did not start in 60 s"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
            assert b"<title>Streamlit</title>" in r.read() or r.status == 200
        # 127.0.0.1 as /proc/net/tcp writes it; never 0.0.0.0 or ::
        assert _listening_addresses(port) == {"0100007F"}
    finally:
        proc.terminate()
        proc.wait(timeout=20)
