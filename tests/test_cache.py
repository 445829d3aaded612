"""The content-addressed cache: real SQLite files in tmp_path, real processes, no mocks."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
import sqlite3
import stat
import sys
import threading
import zlib
from pathlib import Path

import pytest

import screener.cache as cache_module
from screener.cache import CACHE_SCHEMA_VERSION, DB_NAME, Cache, CacheInfo, CacheUnavailable, DamagedPayload, cache_key, default_cache_dir
from screener.errors import ScreenerError

POSIX = os.name == "posix"


def json_ish(i: int, size: int = 30_000) -> bytes:
    """Compressible, JSON-looking bytes that differ per ``i``."""
    line = b'{"kind":"bullet","text":"Built a retrieval pipeline for item %d","start":%d,"end":%d},' % (i, i, i + 40)
    return b'{"blocks":[' + line * (size // len(line)) + b"]}"


@pytest.fixture
def cache(tmp_path: Path):
    with Cache(tmp_path / "cache") as c:
        yield c


# -- payloads --------------------------------------------------------------------------------------


def test_round_trip_small_empty_and_large(cache: Cache) -> None:
    incompressible = os.urandom(8 * 1024 * 1024)
    compressible = json_ish(1, 20 * 1024 * 1024)
    cases = {"small": b"hello", "empty": b"", "binary": bytes(range(256)) * 3, "random-8MiB": incompressible, "json-20MiB": compressible}
    for key, payload in cases.items():
        cache.put("document", key, payload)
    for key, payload in cases.items():
        got = cache.get("document", key)
        assert type(got) is bytes
        assert got == payload, key
    info = cache.info()
    assert info.payload_bytes < len(incompressible) + len(compressible) // 10  # the JSON was stored compressed


@pytest.mark.parametrize("size", [0, 1, 5, 70_000, 3 * 1024 * 1024])
def test_an_opened_payload_reads_in_pieces_what_get_returns_whole(cache: Cache, size: int) -> None:
    payload = (json_ish(size, size) + os.urandom(size // 3))[:size] if size else b""
    cache.put("report", "k", payload)
    stored = cache.open("report", "k")
    pieces = [stored.read(n) for n in (0, 1, 3, 1000, 65_536)]
    assert b"".join(pieces) + stored.rest() == payload == cache.get("report", "k")
    assert stored.read(10) == b"" and stored.rest() == b""
    assert cache.open("report", "missing") is None


def test_an_opened_payload_cut_short_reads_its_start_and_fails_past_it(cache: Cache) -> None:
    payload = os.urandom(600_000)  # half of it holds whole zstd blocks (128 KiB each), which inflate
    cache.put("report", "k", payload)
    with sqlite3.connect(cache.path) as db:
        db.execute("UPDATE entries SET payload = substr(payload, 1, length(payload) / 2) WHERE key = 'k'")
    stored = cache.open("report", "k")
    assert stored.read(1000) == payload[:1000]
    with pytest.raises(DamagedPayload):
        stored.read(len(payload))
    with pytest.raises(DamagedPayload):
        cache.open("report", "k").rest()
    assert cache.get("report", "k") is None  # the whole-payload read finds the same damage


def test_a_head_stored_as_its_own_block_reads_from_an_entry_cut_short_and_from_a_whole_one_alone(cache: Cache) -> None:
    head, body = b'{"files": [["a.md", 9]]}', os.urandom(600_000)  # zstd's blocks hold 128 KiB: without the head's own, the cut one would not inflate
    cache.put("report", "k", head + body, head=len(head))
    assert cache.get("report", "k") == head + body and cache.open("report", "k").read(len(head)) == head
    with sqlite3.connect(cache.path) as db:
        db.execute("UPDATE entries SET payload = substr(payload, 1, 200) WHERE key = 'k'")
    stored = cache.open("report", "k")
    assert stored.read(len(head)) == head
    with pytest.raises(DamagedPayload):
        stored.rest()


@pytest.mark.parametrize("where", [0.3, -1])  # inside a block; the frame's checksum, its last bytes
def test_a_payload_altered_in_place_is_a_miss_whether_read_whole_or_opened(cache: Cache, where: float) -> None:
    payload = json_ish(7, 400_000)
    cache.put("report", "k", payload)
    with sqlite3.connect(cache.path) as db:
        (stored,) = db.execute("SELECT payload FROM entries WHERE key = 'k'").fetchone()
        altered = bytearray(stored)
        altered[int(len(altered) * where)] ^= 0xFF
        db.execute("UPDATE entries SET payload = ? WHERE key = 'k'", (bytes(altered),))
    with pytest.raises(DamagedPayload):
        cache.open("report", "k").rest()
    assert cache.get("report", "k") is None


def test_an_entry_an_earlier_version_compressed_with_zlib_still_reads(cache: Cache) -> None:
    payload = json_ish(3)
    cache.put("document", "k", b"placeholder")
    with sqlite3.connect(cache.path) as db:
        db.execute("UPDATE entries SET payload = ? WHERE key = 'k'", (zlib.compress(payload, 1),))
    assert cache.get("document", "k") == payload
    assert cache.get_many("document", ["k"]) == {"k": payload}
    with pytest.raises(DamagedPayload):  # reports are opened only under keys that name the code that wrote them
        cache.open("document", "k").read(1)


def test_put_replaces_and_kinds_are_separate(cache: Cache) -> None:
    cache.put("document", "k", b"one")
    cache.put("document", "k", b"two")
    cache.put("evidence", "k", bytearray(b"three"))
    cache.put("other", "k", memoryview(b"four"))
    assert cache.get("document", "k") == b"two"
    assert cache.get("evidence", "k") == b"three"
    assert cache.get("other", "k") == b"four"
    assert cache.info().entries == {"document": 1, "evidence": 1, "other": 1}


def test_put_rejects_non_bytes(cache: Cache) -> None:
    with pytest.raises(TypeError):
        cache.put("document", "k", "text is not bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cache.put("document", 3, b"x")  # type: ignore[arg-type]
    assert cache.get("document", "k") is None


def test_miss_returns_none(cache: Cache) -> None:
    assert cache.get("document", "absent") is None
    cache.put("document", "present", b"x")
    assert cache.get("evidence", "present") is None  # same key, other kind
    assert cache.get_many("document", ["absent", "also-absent"]) == {}
    assert cache.get_many("document", []) == {}


def test_get_many_put_many_beyond_the_variable_limit(cache: Cache) -> None:
    items = [(cache_key("doc", str(i)), b"payload %d" % i) for i in range(2_500)]
    cache.put_many("document", items)
    # Builds differ (999, 32,766, 250,000 host parameters); hold this connection to 999, as old builds are,
    # so more than 999 keys fail unless get_many chunks its IN (...) queries.
    cache.get("document", "open the connection")
    assert cache._conn is not None
    cache._conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    keys = [key for key, _ in items]
    asked = keys + [cache_key("missing", str(i)) for i in range(1_500)] + keys[:10]  # misses and duplicates
    got = cache.get_many("document", asked)
    assert len(got) == 2_500
    assert got == dict(items)
    assert cache.get_many("evidence", keys[:1200]) == {}
    assert cache.info().entries == {"document": 2_500}


def test_put_many_empty_is_a_no_op(cache: Cache) -> None:
    cache.put_many("document", [])
    assert cache.info().entries == {}


# -- keys ------------------------------------------------------------------------------------------


def test_puts_in_a_deferred_block_are_seen_inside_it_and_by_others_only_after_it_in_one_commit(tmp_path: Path) -> None:
    with Cache(tmp_path / "cache") as writer, Cache(tmp_path / "cache") as reader:
        writer.put("document", "before", b"stored at once")
        statements: list[str] = []
        writer._connection().set_trace_callback(statements.append)
        with writer.deferred():
            writer.put("document", "a", json_ish(1))
            with writer.deferred():  # nested: written with the outer block
                writer.put("evidence", "b", b"[]")
            writer.put("report", "c", b"head" + json_ish(2), head=4)
            # the writer sees its own held entries, by every way of reading
            assert writer.get("document", "a") == json_ish(1) and writer.contains("evidence", "b")
            opened = writer.open("report", "c")
            assert opened is not None and opened.read(4) == b"head"
            # another connection sees nothing yet
            assert reader.get("document", "a") is None and not reader.contains("evidence", "b") and reader.get("report", "c") is None
            assert not [sql for sql in statements if sql.startswith(("BEGIN", "INSERT"))]
        assert [sql.split()[0] for sql in statements if sql.startswith(("BEGIN", "INSERT", "COMMIT"))] == ["BEGIN", "INSERT", "INSERT", "INSERT", "COMMIT"]
        assert reader.get("document", "a") == json_ish(1) and reader.get("evidence", "b") == b"[]" and reader.get("report", "c") == b"head" + json_ish(2)
        assert reader.get("document", "before") == b"stored at once"


def test_a_deferred_block_that_raises_still_writes_what_it_held(cache: Cache) -> None:
    with pytest.raises(RuntimeError), cache.deferred():
        cache.put("document", "k", b"parsed before the failure")
        raise RuntimeError("evidence failed")
    assert cache.get("document", "k") == b"parsed before the failure"
    cache.put("document", "after", b"written at once again")  # the block is over: puts write immediately
    with Cache(cache.directory) as other:
        assert other.get("document", "after") == b"written at once again"


def test_a_deferred_block_holds_back_only_its_own_threads_puts(cache: Cache) -> None:
    with Cache(cache.directory) as other, cache.deferred():
        thread = threading.Thread(target=cache.put, args=("document", "from-thread", b"x"))
        thread.start()
        thread.join()
        assert other.get("document", "from-thread") == b"x"


def test_cache_key_is_stable_and_unambiguous() -> None:
    assert cache_key("ab", "c") != cache_key("a", "bc")
    assert cache_key("a", "") != cache_key("a")
    assert cache_key("", "a") != cache_key("a", "")
    assert cache_key("1:a") != cache_key("a")  # the length prefix cannot be forged by a part's text
    assert cache_key("x", "y") == cache_key("x", "y")
    # The encoding is part of the cache's contract: length in UTF-8 bytes, a colon, the bytes.
    assert cache_key("document", "abc", "pdfplumber", "1") == hashlib.sha256(b"8:document3:abc10:pdfplumber1:1").hexdigest()
    assert cache_key("é") == hashlib.sha256(b"2:\xc3\xa9").hexdigest()
    assert cache_key("document", "abc", "pdfplumber", "1") == "f63de7792cba3eccfb1446574a0e6258f5ec1a50cb12de62231802c96d0c7d14"
    key = cache_key("anything")
    assert len(key) == 64 and int(key, 16) >= 0
    with pytest.raises(TypeError):
        cache_key("a", 1)  # type: ignore[arg-type]


# -- schema, corruption ----------------------------------------------------------------------------


def test_schema_version_bump_recreates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "cache"
    with Cache(directory) as c:
        c.put("document", "k", b"old")
    monkeypatch.setattr(cache_module, "CACHE_SCHEMA_VERSION", CACHE_SCHEMA_VERSION + 1)
    with Cache(directory) as c:
        assert c.get("document", "k") is None
        assert c.info().entries == {}
        c.put("document", "k", b"new")
    with sqlite3.connect(directory / DB_NAME) as raw:
        assert raw.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone() == (str(CACHE_SCHEMA_VERSION + 1),)
    with Cache(directory) as c:  # the same (bumped) version again: kept
        assert c.get("document", "k") == b"new"


def test_stored_schema_version_mismatch_recreates(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    with Cache(directory) as c:
        c.put("document", "k", b"old")
    raw = sqlite3.connect(directory / DB_NAME)
    raw.execute("UPDATE meta SET value = '0' WHERE name = 'schema_version'")
    raw.commit()
    raw.close()
    with Cache(directory) as c:
        assert c.get("document", "k") is None
        c.put("document", "k", b"fresh")
        assert c.get("document", "k") == b"fresh"


def test_garbage_file_is_moved_aside_and_a_fresh_cache_works(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    directory.mkdir()
    garbage = b"this is not an sqlite database\x00\xff" * 300
    (directory / DB_NAME).write_bytes(garbage)
    with Cache(directory) as c:
        assert c.get("document", "k") is None
        c.put("document", "k", b"v")
        assert c.get("document", "k") == b"v"
        assert c.info().entries == {"document": 1}
    aside = sorted(directory.glob(f"{DB_NAME}.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == garbage
    with Cache(directory) as c:  # the fresh one is a real cache that persists
        assert c.get("document", "k") == b"v"
    assert len(list(directory.glob(f"{DB_NAME}.corrupt-*"))) == 1


def test_cache_overwritten_with_garbage_later_is_rebuilt(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    with Cache(directory) as c:
        c.put_many("document", [(str(i), b"x" * 100) for i in range(100)])
    for side in ("-wal", "-shm"):
        Path(f"{directory / DB_NAME}{side}").unlink(missing_ok=True)
    (directory / DB_NAME).write_bytes(os.urandom(64 * 1024))
    with Cache(directory) as c:
        assert c.get_many("document", [str(i) for i in range(100)]) == {}
        c.put("document", "1", b"y")
        assert c.get("document", "1") == b"y"
    assert len(list(directory.glob(f"{DB_NAME}.corrupt-*"))) == 1


def test_payload_that_fails_to_decompress_is_a_miss_and_is_deleted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    directory = tmp_path / "cache"
    secret = b"Jane Doe, 12 Private Street"
    with Cache(directory) as c:
        c.put_many("document", [("good", b"fine"), ("bad1", b"x"), ("bad2", b"y")])
    with sqlite3.connect(directory / DB_NAME) as raw:
        raw.execute("UPDATE entries SET payload = ? WHERE key = 'bad1'", (secret,))  # not a compressed payload
        raw.execute("UPDATE entries SET payload = ? WHERE key = 'bad2'", (secret + b" truncated",))
    caplog.set_level(logging.DEBUG, logger="screener.cache")
    with Cache(directory) as c:
        assert c.get("document", "bad1") is None
        assert c.get_many("document", ["good", "bad2"]) == {"good": b"fine"}
        assert c.info().entries == {"document": 1}
    assert "failed to decompress" in caplog.text
    assert "Jane Doe" not in caplog.text  # payloads are personal data: never logged


# -- housekeeping ----------------------------------------------------------------------------------


def test_info_counts_per_kind(cache: Cache) -> None:
    empty = cache.info()
    assert isinstance(empty, CacheInfo)
    assert empty.entries == {} and empty.payload_bytes == 0
    assert empty.path == cache.path == cache.path.parent / DB_NAME
    cache.put_many("document", [(str(i), json_ish(i)) for i in range(30)])
    cache.put_many("evidence", [(str(i), b"[]") for i in range(7)])
    info = cache.info()
    assert info.entries == {"document": 30, "evidence": 7}
    assert info.total_entries == 37
    assert 0 < info.payload_bytes < 30 * 30_000 // 4  # compressed
    files = [cache.path, Path(f"{cache.path}-wal"), Path(f"{cache.path}-shm")]
    assert info.file_bytes == sum(f.stat().st_size for f in files if f.exists())
    assert info.file_bytes >= info.payload_bytes


def test_clear_counts_and_empties(cache: Cache) -> None:
    cache.put_many("document", [(str(i), os.urandom(4096)) for i in range(200)])
    cache.put_many("evidence", [(str(i), b"[]") for i in range(50)])
    before = cache.info().file_bytes
    assert before > 800_000
    assert cache.clear() == 250
    assert cache.info().entries == {}
    assert cache.get("document", "1") is None
    assert cache.info().file_bytes < before
    assert cache.path.stat().st_size < 100_000  # VACUUM gave the pages back (a DELETE alone keeps them)
    assert cache.clear() == 0
    cache.put("document", "again", b"works")
    assert cache.get("document", "again") == b"works"


def test_close_is_idempotent_and_use_reopens(tmp_path: Path) -> None:
    c = Cache(tmp_path / "cache")
    c.put("document", "k", b"v")
    c.close()
    c.close()
    assert c.get("document", "k") == b"v"
    c.close()


def test_pickles_for_spawn_workers(cache: Cache) -> None:
    cache.put("document", "k", b"v")
    copy = pickle.loads(pickle.dumps(cache))
    try:
        assert copy.path == cache.path
        assert copy.get("document", "k") == b"v"
    finally:
        copy.close()


def test_threads_share_one_cache(cache: Cache) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(200):
                cache.put("document", f"{n}-{i}", b"%d" % i)
                assert cache.get("document", f"{n}-{i}") == b"%d" % i
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert cache.info().entries == {"document": 800}


# -- processes -------------------------------------------------------------------------------------


def _writer(directory: str, worker: int, barrier, count: int) -> None:  # type: ignore[no-untyped-def]
    barrier.wait(timeout=60)  # both processes open a cache that does not exist yet, at the same moment
    c = Cache(Path(directory))
    keys = [f"w{worker}-{i}" for i in range(count)]
    for i, key in enumerate(keys):
        if i % 50 == 49:  # a batch now and then, and reads mixed in with the other process's writes
            c.put_many("document", [(k, json_ish(worker * 10_000 + j, 2_000)) for j, k in enumerate(keys[i - 49 : i + 1], start=i - 49)])
            c.get_many("document", keys[: i + 1])
        else:
            c.put("document", key, json_ish(worker * 10_000 + i, 2_000))
        c.get("document", f"w{1 - worker}-{i}")
    c.close()


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_two_processes_write_concurrently(tmp_path: Path, method: str) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    ctx = multiprocessing.get_context(method)
    directory = tmp_path / "shared"
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_writer, args=(str(directory), w, barrier, 500)) for w in (0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    with Cache(directory) as c:
        keys = [f"w{w}-{i}" for w in (0, 1) for i in range(500)]
        got = c.get_many("document", keys)
        assert len(got) == 1000
        assert all(got[f"w{w}-{i}"] == json_ish(w * 10_000 + i, 2_000) for w in (0, 1) for i in range(500))
        assert c.info().entries == {"document": 1000}


def _fork_and_write(cache: Cache, *, as_if_no_hooks: bool = False) -> int:
    """Fork; the child writes through the parent's Cache object and exits 0 only if it used a connection of its own.

    ``as_if_no_hooks`` puts the parent's connection back into the child's Cache, as a fork that skips
    ``os.register_at_fork`` hooks (one made in C code) would leave it: the pid check alone must then refuse it.
    """
    parent_conn = cache._conn
    assert parent_conn is not None
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            if as_if_no_hooks:
                cache._conn = parent_conn
            cache.put("document", "from-child", b"child %d" % os.getpid())
            own = cache._conn is not None and cache._conn is not parent_conn and cache._pid == os.getpid()
            code = 0 if own and cache.get("document", "from-child") is not None else 3
            cache.close()
        except BaseException:  # noqa: BLE001 - the exit code reports it
            code = 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_opening_while_another_process_switches_to_wal(tmp_path: Path) -> None:
    # Switching to WAL while another connection holds a write lock on a rollback-journal database fails at once with
    # "database is locked" (SQLite skips the busy handler there): this is what two runs creating one cache hit.
    directory = tmp_path / "cache"
    directory.mkdir()
    other = sqlite3.connect(directory / DB_NAME, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE unrelated (x)")
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.3, other.execute, ("COMMIT",))
    timer.start()
    try:
        with Cache(directory) as c:
            c.put("document", "k", b"v")
            assert c.get("document", "k") == b"v"
    finally:
        timer.join()
        other.close()
    with sqlite3.connect(directory / DB_NAME) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here")
def test_use_after_fork_opens_a_new_connection(cache: Cache) -> None:
    cache.put("document", "from-parent", b"parent")  # the parent's connection is open
    assert _fork_and_write(cache) == 0
    assert cache._conn is None  # the fork hook closed the idle connection, so the child inherited no SQLite state
    assert cache.get("document", "from-child") is not None  # the parent sees the child's write
    assert cache.get("document", "from-parent") == b"parent"
    cache.put("document", "after", b"parent still writes")
    assert cache.get("document", "after") == b"parent still writes"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here")
def test_fork_during_a_transaction_still_gives_the_child_its_own_connection(cache: Cache) -> None:
    # A connection in a transaction is not closed by the fork hook, so the child inherits it and must not use it.
    cache.put("document", "from-parent", b"parent")
    conn = cache._conn
    assert conn is not None
    conn.execute("BEGIN")
    try:
        assert _fork_and_write(cache) == 0
    finally:
        conn.execute("COMMIT")
    assert cache._conn is conn  # the parent keeps its connection
    assert cache.get("document", "from-child") is not None
    cache.put("document", "after", b"ok")
    assert cache.get("document", "after") == b"ok"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here")
def test_inherited_connection_is_never_reused(cache: Cache) -> None:
    cache.put("document", "from-parent", b"parent")
    conn = cache._conn
    assert conn is not None
    conn.execute("BEGIN")  # keeps the fork hook from closing it, so the child really inherits an open connection
    try:
        assert _fork_and_write(cache, as_if_no_hooks=True) == 0
    finally:
        conn.execute("COMMIT")
    assert cache._conn is conn
    assert cache.get("document", "from-child") is not None


# -- unusable directories, permissions -------------------------------------------------------------


def test_directory_under_a_regular_file_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file")
    for directory in (blocker / "cache", blocker):
        with pytest.raises(CacheUnavailable) as raised:
            Cache(directory)
        assert isinstance(raised.value, ScreenerError)
        message = str(raised.value)
        assert "\n" not in message and str(blocker) in message


@pytest.mark.skipif(not POSIX or os.geteuid() == 0, reason="needs a non-root POSIX user: root ignores directory permissions")
def test_read_only_directory_is_unavailable(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        with pytest.raises(CacheUnavailable):
            Cache(directory)
    finally:
        directory.chmod(0o700)


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_files_are_private(tmp_path: Path) -> None:
    directory = tmp_path / "a" / "cache"
    old = os.umask(0o022)
    try:
        with Cache(directory) as c:
            c.put("document", "k", b"v")
            assert stat.S_IMODE(directory.stat().st_mode) == 0o700
            for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"):
                path = directory / name
                assert path.exists(), name
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    finally:
        os.umask(old)


def test_existing_directory_mode_is_left_alone(tmp_path: Path) -> None:
    directory = tmp_path / "mine"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    with Cache(directory):
        pass
    assert stat.S_IMODE(directory.stat().st_mode) == 0o755  # e.g. SCREENER_CACHE_DIR=/tmp must not be chmod-ed


# -- default location ------------------------------------------------------------------------------


def test_default_cache_dir_honours_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("SCREENER_CACHE_DIR")
    assert default_cache_dir() == tmp_path / "xdg" / "screener"
    monkeypatch.setenv("SCREENER_CACHE_DIR", "")  # empty counts as unset
    assert default_cache_dir() == tmp_path / "xdg" / "screener"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG spec says to ignore relative paths
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    expected = {"darwin": tmp_path / "home" / "Library" / "Caches" / "screener"}.get(sys.platform, tmp_path / "home" / ".cache" / "screener")
    if sys.platform != "win32":
        assert default_cache_dir() == expected
    monkeypatch.delenv("XDG_CACHE_HOME")
    if sys.platform != "win32":
        assert default_cache_dir() == expected
    monkeypatch.setenv("SCREENER_CACHE_DIR", "~/somewhere")
    assert default_cache_dir() == tmp_path / "home" / "somewhere"


def test_a_pickled_value_comes_back_equal_frozen_and_with_the_fields_it_was_given() -> None:
    """Frozen values pickle as class, fields and given fields (screener.frozen): nothing of pydantic's state may be lost."""
    import pydantic

    from screener.cache import pickled, unpickled
    from screener.document import Block, Document, Line, Span

    line = Line(text="Shipped a RAG service", span=Span(start=0, end=21), bold=True)  # page, column, size... left to their defaults
    document = Document(source="a.pdf", format="pdf", text=line.text, blocks=(Block(kind="bullet", text=line.text, span=line.span, lines=(line,)),))
    back = unpickled(pickled(document), Document)
    assert back == document and back is not document
    assert back.model_dump() == document.model_dump() and back.model_dump_json() == document.model_dump_json()
    assert back.blocks[0].lines[0].model_fields_set == {"text", "span", "bold"}
    assert back.model_fields_set == document.model_fields_set
    with pytest.raises(pydantic.ValidationError):
        back.blocks[0].lines[0].text = "changed"  # type: ignore[misc]
    assert hash(back.blocks[0].lines[0]) == hash(line)
