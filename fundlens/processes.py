"""Child processes that must not outlive the FundLens process that started them."""

from __future__ import annotations

import ctypes
import signal


def die_with_parent() -> None:
    """In a child (after fork, or before exec): the kernel kills it when its parent dies,
    however the parent ends (Linux; elsewhere nothing changes)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        pass
