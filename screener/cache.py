"""A content-addressed cache of parsed documents and extracted evidence, in one SQLite file.

Why it looks like this:

* **Content-addressed.** Entries are stored under ``(kind, key)`` where the key is a hash of
  everything the value depends on (the file's sha256, engine, parser version, vocabulary hash, ...;
  see :func:`cache_key`). Nothing is ever invalidated: a changed input is a different key, so a
  re-run over unchanged files parses nothing and a changed file simply misses. Payloads are opaque
  bytes to this module (the batch code serializes them); they are zstd-compressed on the way in and
  decompressed on the way out (zlib entries an earlier version stored still read).
* **WAL, for shared use.** Two runs may share one cache, and a batch's worker processes read and
  write it at the same time. ``journal_mode=WAL`` lets readers proceed while one writer commits;
  writes are short ``BEGIN IMMEDIATE`` transactions (payloads are compressed before the lock is
  taken) and ``busy_timeout`` makes a writer wait its turn instead of failing. A connection belongs
  to one process: after ``os.fork()`` the child opens its own, and a fork hook closes idle
  connections just before a fork, so children inherit no SQLite state at all.
* **A cache never breaks a run.** A file that is corrupt or not a database is moved aside to
  ``<name>.corrupt-<timestamp>`` and a fresh cache is started; a payload that fails to decompress is
  a miss (and is deleted; one read with :meth:`Cache.open` is replaced by the entry stored in its place); a database error during a read is a miss and during a write the entry is
  dropped (logged as a warning). Only a directory that cannot be created or written raises
  :class:`CacheUnavailable`, at construction, so the caller can warn and run without a cache.
  A stored schema version other than :data:`CACHE_SCHEMA_VERSION` is dropped and recreated.

Resumes are personal data: the directory is created ``0o700`` and the database ``0o600`` (SQLite
gives its ``-wal``/``-shm`` files the database's mode), and payload contents are never logged.
"""

from __future__ import annotations

import logging
import os
import pickle
import sqlite3
import sys
import threading
import time
import weakref
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from pathlib import Path
from typing import TypeVar

import zstandard
from pydantic import VERSION as PYDANTIC_VERSION

from screener.errors import ScreenerError

log = logging.getLogger(__name__)
T = TypeVar("T")

CACHE_SCHEMA_VERSION = 1
DB_NAME = "screener-cache.sqlite3"

# zstd level 1, measured on 200 bench candidates' report entries (117 KiB each, the largest kind): 0.22 ms to compress and
# 0.17 to inflate, 7.3 times smaller; zlib level 1, used before, took 0.71 and 0.39 ms for 5.7 times. Parsing a file takes 5-110 ms.
COMPRESS_LEVEL = 1
#: How every zstd frame begins; an entry without it is zlib, as versions before zstd stored them.
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
BUSY_TIMEOUT_S = 30.0
CHUNK = 500  # keys per IN (...) query, well under SQLite's host-parameter limit (999 on old builds)

_CORRUPT_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB (primary codes)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload BLOB NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID
"""


class CacheUnavailable(ScreenerError):
    """The cache directory cannot be created or written; run without a cache."""


# Errors that, once a cache exists, turn an operation into a miss (read) or a dropped entry (write).
_USE_ERRORS = (sqlite3.Error, CacheUnavailable, OSError)


def default_cache_dir() -> Path:
    """Where the cache lives unless told otherwise.

    ``$SCREENER_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/screener`` (an absolute path, as the XDG
    spec requires), else the platform's user cache directory: ``~/.cache/screener`` on Linux and
    other Unixes, ``~/Library/Caches/screener`` on macOS, ``%LOCALAPPDATA%\\screener\\Cache`` on Windows.
    """
    explicit = os.environ.get("SCREENER_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "screener"
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else Path.home() / "AppData" / "Local"
        return base / "screener" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "screener"
    return Path.home() / ".cache" / "screener"


#: What a pickled payload must have been written by to be read back: the pydantic models' library and the
#: interpreter. Pickles hold those libraries' internal state, so any other writer's pickle is a miss.
_PICKLED_BY = (PYDANTIC_VERSION, sys.version_info[:2])


def pickled(value: object) -> bytes:
    """``value`` as a payload: a pickle (shared objects stored once), tagged with what wrote it."""
    return pickle.dumps((_PICKLED_BY, value), protocol=pickle.HIGHEST_PROTOCOL)


def unpickled(stored: bytes, kind: type[T]) -> T | None:
    """The ``kind`` a :func:`pickled` payload holds; None (a miss) for damage, another writer's pickle or another type.

    Only this program writes these, into the user's own ``0700`` cache directory; the texts of a
    resume inside a pickle are data, never opcodes.
    """
    try:
        written_by, value = pickle.loads(stored)  # noqa: S301 - see above
    except Exception:  # noqa: BLE001 - damage of any kind is a miss
        return None
    return value if written_by == _PICKLED_BY and isinstance(value, kind) else None


def cache_key(*parts: str) -> str:
    """A stable hex sha256 of ``parts``, each length-prefixed so ``('ab', 'c') != ('a', 'bc')``."""
    digest = sha256()
    for part in parts:
        if not isinstance(part, str):
            raise TypeError(f"cache_key parts must be str, not {type(part).__name__}")
        data = part.encode("utf-8", "surrogatepass")
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class CacheInfo:
    """What :meth:`Cache.info` reports. ``payload_bytes`` is the stored (compressed) size."""

    path: Path
    entries: dict[str, int]
    payload_bytes: int
    file_bytes: int

    @property
    def total_entries(self) -> int:
        return sum(self.entries.values())


def _is_corrupt(error: sqlite3.DatabaseError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _CORRUPT_CODES
    return type(error) is sqlite3.DatabaseError


class DamagedPayload(ValueError):
    """A stored payload that does not decompress: cut short, altered, or not a payload at all."""


#: Compression contexts, one per thread: a zstd context must not be used by two threads at once, and making one
#: costs more (about 13 us) than inflating a small entry.
_CONTEXTS = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    compressor = getattr(_CONTEXTS, "compressor", None)
    if compressor is None:
        compressor = _CONTEXTS.compressor = zstandard.ZstdCompressor(level=COMPRESS_LEVEL, write_checksum=True)
    return compressor


def _decompressor() -> zstandard.ZstdDecompressor:
    """For whole payloads only: a :class:`StoredPayload` may be read while another payload is, so each has its own."""
    decompressor = getattr(_CONTEXTS, "decompressor", None)
    if decompressor is None:
        decompressor = _CONTEXTS.decompressor = zstandard.ZstdDecompressor()
    return decompressor


def _compress(payload: bytes | bytearray | memoryview, head: int = 0) -> bytes:
    """One zstd frame; its first ``head`` bytes, if any, end a block of their own (see :meth:`Cache.put`)."""
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise TypeError(f"cache payloads must be bytes, not {type(payload).__name__}")
    compressor = _compressor()
    if not 0 < head < len(payload):
        return compressor.compress(payload)
    whole = memoryview(payload)
    stream = compressor.compressobj(size=len(whole))
    parts = (stream.compress(whole[:head]), stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK), stream.compress(whole[head:]), stream.flush())
    return b"".join(parts)


def _decompress(stored: object) -> bytes | None:
    if not isinstance(stored, bytes):
        return None
    try:
        if stored.startswith(ZSTD_MAGIC):
            return _decompressor().decompress(stored)
        return zlib.decompress(stored)  # stored by a version before zstd
    except (zstandard.ZstdError, zlib.error):
        return None


class StoredPayload:
    """A stored payload read from its start, decompressed only as far as it is read.

    A caller that decides from a payload's first bytes that it needs no more
    (a re-run whose reports are already on disk, as their digests in the
    entry's header show) never inflates the rest. Damage shows as
    :class:`DamagedPayload` when the damaged part is read, or from :meth:`rest`
    (the frame's checksum is checked as its end is read). Only zstd frames
    stream: a report entry's key names the code that wrote it, so no earlier
    version's zlib entry is ever opened.
    """

    def __init__(self, stored: bytes) -> None:
        try:
            self._size = zstandard.frame_content_size(stored) if stored.startswith(ZSTD_MAGIC) else -1
        except zstandard.ZstdError:
            self._size = -1
        self._reader = zstandard.ZstdDecompressor().stream_reader(stored) if self._size >= 0 else None
        self._position = 0

    def read(self, size: int) -> bytes:
        """The next ``size`` bytes, fewer only where the payload ends."""
        if self._reader is None:
            raise DamagedPayload("the stored payload is not a zstd frame that records its size")
        size = min(size, self._size - self._position)
        parts = []
        while size > 0:
            try:
                piece = self._reader.read(size)
            except zstandard.ZstdError as error:
                raise DamagedPayload(f"the stored payload does not decompress ({error})") from None
            if not piece:
                raise DamagedPayload("the stored payload is cut short")
            parts.append(piece)
            size -= len(piece)
            self._position += len(piece)
        return b"".join(parts)

    def rest(self) -> bytes:
        """Everything not read yet, to the end of the payload."""
        return self.read(self._size - self._position)


def _chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_name(kind: str, key: str) -> None:
    if not isinstance(kind, str) or not isinstance(key, str):
        raise TypeError("cache kind and key must be str")


class Cache:
    """Opaque payload bytes under ``(kind, key)``, shared safely between processes.

    The connection is opened per process, lazily; the constructor opens it once to create the
    directory and database and to find out, up front, whether the cache can be used at all.
    """

    def __init__(self, directory: Path) -> None:
        self._setup(directory)
        self._prepare_directory()
        with self._lock:
            try:
                self._connection(probe_write=True)
            except (sqlite3.Error, OSError) as error:
                self._drop_connection()
                raise CacheUnavailable(f"cache database {self._path} cannot be used: {error}") from None

    def _setup(self, directory: Path) -> None:
        self._dir = Path(directory).expanduser()
        self._path = self._dir / DB_NAME
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._inode: tuple[int, int] | None = None
        self._warned = False
        self._deferred = threading.local()  # per thread: the rows :meth:`deferred` holds back, while a block is open
        _INSTANCES.add(self)

    @property
    def directory(self) -> Path:
        return self._dir

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    # -- opening ---------------------------------------------------------------------------------

    def _prepare_directory(self) -> None:
        try:
            self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self._dir.is_dir():
                raise NotADirectoryError(f"{self._dir} is not a directory")
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
            os.close(fd)
        except OSError as error:
            reason = error.strerror or str(error)
            raise CacheUnavailable(f"cache directory {self._dir} is not usable: {reason}") from None

    def _connection(self, probe_write: bool = False) -> sqlite3.Connection:
        """This process's connection, opened (and the schema checked) on first use.

        A connection inherited across ``fork()`` is never used, closed or finalized by the child: it
        is parked in ``_INHERITED`` and the child opens its own.
        """
        pid = os.getpid()
        if self._conn is not None and self._pid == pid:
            return self._conn
        if self._conn is not None:
            _INHERITED.append(self._conn)
            self._conn = None
        try:
            conn = self._open(probe_write)
        except sqlite3.DatabaseError as error:
            if not _is_corrupt(error):
                raise
            self._quarantine(error)
            conn = self._open(probe_write)
        self._conn, self._pid = conn, pid
        return conn

    def _open(self, probe_write: bool) -> sqlite3.Connection:
        if not self._path.exists():  # moved aside by another process, or deleted by hand
            self._prepare_directory()
        conn = sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            stat = os.stat(self._path)
            self._inode = (stat.st_dev, stat.st_ino)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            _use_wal(conn, self._path)
            conn.execute("PRAGMA synchronous = NORMAL")
            self._ensure_schema(conn, probe_write)
        except BaseException:
            conn.close()
            raise
        return conn

    def _ensure_schema(self, conn: sqlite3.Connection, probe_write: bool) -> None:
        if not probe_write and self._stored_version(conn) == CACHE_SCHEMA_VERSION:
            return  # the common case for a worker's connection: one read, no write lock
        with _write(conn):
            conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
            if self._stored_version(conn) != CACHE_SCHEMA_VERSION:
                conn.execute("DROP TABLE IF EXISTS entries")
                conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('schema_version', ?)", (str(CACHE_SCHEMA_VERSION),))
            conn.execute(_SCHEMA)

    @staticmethod
    def _stored_version(conn: sqlite3.Connection) -> int | None:
        try:
            row = conn.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
        except sqlite3.OperationalError:  # no meta table yet
            return None
        try:
            return int(row[0]) if row else None
        except (TypeError, ValueError):
            return None

    def _quarantine(self, error: sqlite3.DatabaseError) -> None:
        """Move a corrupt database (and its WAL) aside, unless another process already has."""
        self._drop_connection()
        try:
            stat = os.stat(self._path)
        except FileNotFoundError:
            return
        if self._inode is not None and (stat.st_dev, stat.st_ino) != self._inode:
            return  # already replaced by someone else: just reopen
        aside = self._path.with_name(f"{DB_NAME}.corrupt-{datetime.now().strftime('%Y%m%dT%H%M%S%f')}")
        try:
            os.replace(self._path, aside)
        except FileNotFoundError:
            return
        except OSError as move_error:
            log.warning("cache %s is corrupt (%s) and could not be moved aside: %s", self._path, error, move_error)
            raise
        for suffix in ("-wal", "-shm"):
            side = Path(f"{self._path}{suffix}")
            try:
                if suffix == "-wal":
                    os.replace(side, Path(f"{aside}{suffix}"))
                else:
                    side.unlink()
            except FileNotFoundError:
                pass
        log.warning("cache %s was corrupt (%s); moved aside to %s and started fresh", self._path, error, aside.name)

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._pid == os.getpid():
            try:
                conn.close()
            except sqlite3.Error:
                pass
        else:
            _INHERITED.append(conn)

    def _failed(self, action: str, error: Exception) -> None:
        """A database error during use: corrupt files are moved aside, anything else is logged."""
        if isinstance(error, sqlite3.DatabaseError) and _is_corrupt(error):
            try:
                self._quarantine(error)
            except (OSError, sqlite3.Error):
                pass
            return
        level = logging.DEBUG if self._warned else logging.WARNING
        self._warned = True
        log.log(level, "cache %s: %s failed (%s); continuing without it", self._path, action, error)

    # -- reading ---------------------------------------------------------------------------------

    def _stored(self, kind: str, key: str, action: str) -> object | None:
        """The compressed payload stored under ``(kind, key)``; None when absent or the database fails (a miss)."""
        _check_name(kind, key)
        held = self._held(kind, key)
        if held is not None:
            return held
        with self._lock:
            try:
                row = self._connection().execute("SELECT payload FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchone()
            except _USE_ERRORS as error:
                self._failed(action, error)
                return None
        return None if row is None else row[0]

    def get(self, kind: str, key: str) -> bytes | None:
        """The payload stored under ``(kind, key)``, or ``None``."""
        stored = self._stored(kind, key, "get")
        if stored is None:
            return None
        payload = _decompress(stored)
        if payload is None:
            with self._lock:
                self._delete_bad(kind, [(key, stored)])
        return payload

    def open(self, kind: str, key: str) -> StoredPayload | None:
        """The payload stored under ``(kind, key)`` to read from its start, or ``None``.

        Unlike :meth:`get` nothing is decompressed yet, and damage is found
        only by reading; the caller treats it as a miss, and the entry it
        then stores in its place replaces the damaged one.
        """
        stored = self._stored(kind, key, "open")
        return StoredPayload(stored) if isinstance(stored, bytes) else None

    def contains(self, kind: str, key: str) -> bool:
        """Whether ``(kind, key)`` is stored, without reading its payload."""
        _check_name(kind, key)
        if self._held(kind, key) is not None:
            return True
        with self._lock:
            try:
                return self._connection().execute("SELECT 1 FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchone() is not None
            except _USE_ERRORS as error:
                self._failed("contains", error)
                return False

    def get_many(self, kind: str, keys: list[str]) -> dict[str, bytes]:
        """The payloads found among ``keys`` (absent keys are simply missing from the result)."""
        wanted = list(dict.fromkeys(keys))
        for key in wanted:
            _check_name(kind, key)
        found: dict[str, bytes] = {}
        if not wanted:
            return found
        bad: list[tuple[str, object]] = []
        with self._lock:
            try:
                conn = self._connection()
                rows: list[tuple[str, object]] = []
                with _read(conn):
                    for chunk in _chunks(wanted):
                        marks = ",".join("?" * len(chunk))
                        rows += conn.execute(f"SELECT key, payload FROM entries WHERE kind = ? AND key IN ({marks})", (kind, *chunk)).fetchall()
            except _USE_ERRORS as error:
                self._failed("get_many", error)
                return {}
            for key, stored in rows:
                payload = _decompress(stored)
                if payload is None:
                    bad.append((key, stored))
                else:
                    found[key] = payload
            if bad:
                self._delete_bad(kind, bad)
        return found

    def _delete_bad(self, kind: str, rows: list[tuple[str, object]]) -> None:
        """Delete payloads that failed to decompress (only if unchanged since they were read)."""
        log.warning("cache %s: %d %s entr%s failed to decompress; treated as misses and deleted", self._path, len(rows), kind, "y" if len(rows) == 1 else "ies")
        try:
            conn = self._connection()
            with _write(conn):
                conn.executemany("DELETE FROM entries WHERE kind = ? AND key = ? AND payload IS ?", [(kind, key, stored) for key, stored in rows])
        except _USE_ERRORS as error:
            self._failed("delete", error)

    # -- writing ---------------------------------------------------------------------------------

    def put(self, kind: str, key: str, payload: bytes, *, head: int = 0) -> None:
        """Store ``payload`` under ``(kind, key)``, replacing what was there.

        ``head``: how many of its first bytes a reader through :meth:`open`
        wants alone (a header). They are compressed as a block of their own,
        so they read without inflating the rest, and damage past them leaves
        them readable.
        """
        _check_name(kind, key)
        self._store(kind, [(key, _compress(payload, head))])

    def put_many(self, kind: str, items: Iterable[tuple[str, bytes]]) -> None:
        """Store many payloads in one transaction (compressed before the write lock is taken)."""
        compressed = []
        for key, payload in items:
            _check_name(kind, key)
            compressed.append((key, _compress(payload)))
        self._store(kind, compressed)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Hold back this thread's puts inside the block and write them in one transaction at its end, also when it raises.

        A cold run stores three entries per candidate (its document, evidence
        and reports); one commit for the three costs a third of three. Reads
        inside the block see the held entries; other processes see them when
        the block ends, and never if the process dies inside it (a miss, as
        for any entry not yet written). Nested blocks write with the outermost.
        """
        if self._held_rows() is not None:
            yield
            return
        self._deferred.rows = held = []
        try:
            yield
        finally:
            self._deferred.rows = None
            self._write_rows([(kind, key, stored, time.time()) for kind, key, stored in held])

    def _held_rows(self) -> list[tuple[str, str, bytes]] | None:
        """This thread's (kind, key, compressed payload) held by an open :meth:`deferred` block; None outside one."""
        return getattr(self._deferred, "rows", None)

    def _held(self, kind: str, key: str) -> bytes | None:
        """The compressed payload this thread's open block holds for ``(kind, key)`` (its last put): its own writes are visible to it."""
        for held_kind, held_key, stored in reversed(self._held_rows() or ()):
            if (held_kind, held_key) == (kind, key):
                return stored
        return None

    def _store(self, kind: str, compressed: list[tuple[str, bytes]]) -> None:
        held = self._held_rows()
        if held is not None:
            held.extend((kind, key, stored) for key, stored in compressed)
            return
        now = time.time()
        self._write_rows([(kind, key, stored, now) for key, stored in compressed])

    def _write_rows(self, rows: list[tuple[str, str, bytes, float]]) -> None:
        if not rows:
            return
        with self._lock:
            try:
                conn = self._connection()
                with _write(conn):
                    conn.executemany("INSERT OR REPLACE INTO entries (kind, key, payload, created) VALUES (?, ?, ?, ?)", rows)
            except _USE_ERRORS as error:
                self._failed("put", error)

    # -- housekeeping ----------------------------------------------------------------------------

    def info(self) -> CacheInfo:
        """Entries per kind, stored payload bytes, and the size on disk (database + WAL + shm)."""
        entries: dict[str, int] = {}
        payload_bytes = 0
        with self._lock:
            try:
                conn = self._connection()
                with _read(conn):
                    for kind, count, size in conn.execute("SELECT kind, COUNT(*), COALESCE(SUM(LENGTH(payload)), 0) FROM entries GROUP BY kind ORDER BY kind"):
                        entries[kind] = count
                        payload_bytes += size
            except _USE_ERRORS as error:
                self._failed("info", error)
        file_bytes = 0
        for name in (self._path, Path(f"{self._path}-wal"), Path(f"{self._path}-shm")):
            try:
                file_bytes += name.stat().st_size
            except OSError:
                pass
        return CacheInfo(path=self._path, entries=entries, payload_bytes=payload_bytes, file_bytes=file_bytes)

    def clear(self) -> int:
        """Delete every entry and return how many there were; then VACUUM to give the space back."""
        with self._lock:
            try:
                conn = self._connection()
                with _write(conn):
                    count = conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
                    conn.execute("DELETE FROM entries")
            except (sqlite3.Error, OSError) as error:
                raise CacheUnavailable(f"cache {self._path} could not be cleared: {error}") from None
            try:
                conn.execute("VACUUM")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError as error:  # another process is reading: the space comes back later
                log.debug("cache %s: vacuum skipped (%s)", self._path, error)
            return int(count)

    def close(self) -> None:
        """Close this process's connection (a later use reopens it)."""
        with self._lock:
            self._drop_connection()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, object]:
        """Picklable (for ``spawn`` workers): only the directory travels; the worker opens its own connection."""
        return {"directory": str(self._dir)}

    def __setstate__(self, state: dict[str, object]) -> None:
        self._setup(Path(str(state["directory"])))  # opened lazily: a worker's cache problem is a miss, not a failure

    def __repr__(self) -> str:
        return f"Cache({str(self._dir)!r})"

    # -- fork safety -----------------------------------------------------------------------------

    def _before_fork(self) -> None:
        """Close an idle connection so the child inherits no SQLite state (reopened lazily after)."""
        if self._lock.acquire(blocking=False):
            try:
                if self._conn is not None and self._pid == os.getpid() and not self._conn.in_transaction:
                    self._drop_connection()
            finally:
                self._lock.release()

    def _after_fork_in_child(self) -> None:
        self._lock = threading.RLock()  # another thread may have held the old one at fork time
        if self._conn is not None:
            _INHERITED.append(self._conn)
            self._conn = None


def _use_wal(conn: sqlite3.Connection, path: Path) -> None:
    """Switch to WAL (persistent, so usually already done).

    Switching needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without consulting the
    busy handler, when another process is switching at the same moment (two runs creating one cache):
    so retry here, within the same overall timeout.
    """
    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            break
        except sqlite3.OperationalError as error:
            if (getattr(error, "sqlite_errorcode", 5) & 0xFF) != 5 or time.monotonic() > deadline:  # SQLITE_BUSY
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
    if str(mode).lower() != "wal":  # e.g. a file system without shared memory: still correct, just less concurrent
        log.debug("cache %s: journal_mode is %s, not wal", path, mode)


class _Transaction:
    """``BEGIN ...`` / ``COMMIT`` / ``ROLLBACK`` around a block, for an autocommit connection."""

    def __init__(self, conn: sqlite3.Connection, begin: str) -> None:
        self.conn, self.begin = conn, begin

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute(self.begin)
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass


def _write(conn: sqlite3.Connection) -> _Transaction:
    return _Transaction(conn, "BEGIN IMMEDIATE")


def _read(conn: sqlite3.Connection) -> _Transaction:
    return _Transaction(conn, "BEGIN")


# Connections inherited across fork: referenced forever so the child never closes (or finalizes) them.
_INHERITED: list[sqlite3.Connection] = []
_INSTANCES: weakref.WeakSet[Cache] = weakref.WeakSet()


def _before_fork() -> None:
    for cache in list(_INSTANCES):
        cache._before_fork()


def _after_fork_in_child() -> None:
    for cache in list(_INSTANCES):
        cache._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


def open_cache(directory: Path | None = None) -> Cache | None:
    """The cache in ``directory`` (default: the user's cache directory), or None, with one warning, when it cannot be used."""
    try:
        return Cache(directory or default_cache_dir())
    except CacheUnavailable as exc:
        log.warning("running without a cache: %s", exc)
        return None
