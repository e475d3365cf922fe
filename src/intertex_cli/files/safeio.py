"""Reading the files people give, writing the files intertex makes: never lose one.

``read_regular`` reads a regular file of bounded size and nothing else: a device
(``/dev/zero``), a FIFO or a folder is refused with the reason, before a byte is read,
and never blocks. ``write_atomic`` writes through a temporary file in the same folder
(flushed, fsynced, then renamed over the target): a full disk, a file-size limit or a
crash leaves the old file as it was. Both raise ``FileProblem`` with a reason in plain
words; callers turn it into their own error (exit 2). No heavy import.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MB = 1_000_000


class FileProblem(Exception):
    """A file that cannot be read or written, with the reason in plain words."""

    def __init__(self, reason: str, kept: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.kept = kept  # an existing file was left as it was


_REASONS = {
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENAMETOOLONG: "the path is too long",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EFBIG: "the file size limit is reached (ulimit -f)",
    errno.EISDIR: "it is a folder",
    errno.ELOOP: "too many symbolic links",
    errno.EIO: "input/output error",
    errno.ENXIO: "no such device",
    errno.ETXTBSY: "the file is busy",
    errno.EMFILE: "too many open files",
}


def reason(exc: OSError) -> str:
    """An operating-system error in plain words."""
    return _REASONS.get(exc.errno, exc.strerror or type(exc).__name__)


def _kind(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


def same_file(a, b) -> bool:
    """Do the two paths name one file (whatever the links and spellings)? False when
    either does not exist yet."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n} bytes"


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or ``FileProblem``.

    Opened without blocking (a FIFO would wait for a writer forever) and checked on
    the open descriptor, so that what is checked is what is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise FileProblem(reason(e)) from None
    except ValueError:  # a NUL byte in the path
        raise FileProblem("the path contains a NUL character") from None
    try:
        st = os.fstat(fd)
        kind = _kind(st.st_mode)
        if kind:
            raise FileProblem(f"it is {kind}")
        if st.st_size > limit:
            raise FileProblem(f"it is larger than {_size(limit)} ({st.st_size} bytes)")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while we read
                raise FileProblem(f"it is larger than {_size(limit)}")
        return b"".join(chunks)
    except OSError as e:
        raise FileProblem(reason(e)) from None
    finally:
        os.close(fd)


def check_target(path: str | os.PathLike) -> Path:
    """The file a write will replace (symbolic links followed), refused when it
    exists and is not a regular file: a rename would replace a device by a file."""
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as e:
        raise FileProblem(reason(e)) from None
    kind = _kind(st.st_mode)
    if kind:
        raise FileProblem(f"it is {kind}")
    return target


def write_atomic(path: str | os.PathLike, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` whole, or not at all; return the file written.

    A temporary file in the same folder receives the data, is flushed and fsynced,
    then renamed over the target (``os.replace``, atomic on POSIX). An existing file
    keeps its permissions. On any error the temporary file is removed, the old file is
    left as it was, and ``FileProblem`` says why (``kept`` tells if there was one).
    """
    import tempfile

    target = check_target(path)
    existed = target.exists()
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:60]}.", suffix=".tmp")
    except OSError as e:
        raise FileProblem(reason(e), kept=existed) from None
    try:
        try:
            mode = os.stat(target).st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.fchmod(fd, mode)
        view = memoryview(payload)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
    except OSError as e:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise FileProblem(reason(e), kept=existed) from None
    _sync_folder(target.parent)
    return target


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: some file systems refuse)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
