"""Write a file so that a reader, or a crash, sees either the old bytes or the new ones.

The new content goes to a temporary file in the same directory (so `os.replace` is a
rename within one filesystem, which POSIX and Windows make atomic), is flushed to disk,
gets the original's permission bits (a new file gets the usual 0644 rather than
mkstemp's 0600), and then replaces the original. The temporary
name starts with a dot and does not end in `.py`, so if the process is killed before
the rename the leftover is never analysed as source.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".ssotcheck-tmp"


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """`durable=False` skips the fsync, for files that are cheap to rebuild (the cache)."""
    real = Path(os.path.realpath(path))  # write through a symlink, do not replace it
    try:
        mode = stat.S_IMODE(real.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
        real.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=TEMP_SUFFIX, dir=real.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
