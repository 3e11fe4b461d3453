"""Directory backends: CSV file, SQLite table, HTTP lookup service (local aiohttp server)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from ccctl.ident.directory import CallerDirectory, open_directory
from ccctl.ident.models import CsvBackend, Directory, HttpBackend, SqlBackend
from ccctl.ident.pin import hash_pin, verify_pin
from ccctl.ident.records import DirectoryError, Record

PIN_HASH = hash_pin("73920581")
HEADER = "id,name,language,phone,personnummer,customer_number,skills,priority,queue,pin_hash\n"
ROWS = (
    f"kund-0001,Tolvan Testsson,sv,070-174 06 05,19121212-1212,9000019,bygglov:3 engelska:2,"
    f"7,vaxel,{PIN_HASH}\n"
    "kund-0002,Alva Påhittad,en,+46846500499,,,,,,\n"
)


def _csv(tmp_path: Path, text: str = HEADER + ROWS) -> Directory:
    (tmp_path / "callers.csv").write_text(text)
    return Directory(id="kunder", backend=CsvBackend(type="csv", path="callers.csv"))


def _open(model: Directory, base: Path) -> CallerDirectory:
    return asyncio.run(open_directory(model, base))


def _lookup(directory: CallerDirectory, by: Any, value: str) -> Record | None:
    return asyncio.run(directory.lookup(by, value))


def test_given_a_csv_then_one_caller_is_found_by_phone_personnummer_customer_number_and_id(
        tmp_path: Path) -> None:
    directory = _open(_csv(tmp_path), tmp_path)
    found = [_lookup(directory, "phone", "+46701740605"),
             _lookup(directory, "personnummer", "191212121212"),
             _lookup(directory, "number", "9000019"), _lookup(directory, "id", "kund-0001")]
    assert {r.id if r else None for r in found} == {"kund-0001"}
    record = found[0]
    assert record is not None
    assert (record.name, record.language, record.skills_text(), record.priority, record.queue) \
        == ("Tolvan Testsson", "sv", "bygglov:3,engelska:2", 7, "vaxel")
    assert record.pin_hash is not None and verify_pin("73920581", record.pin_hash)
    assert PIN_HASH not in repr(record), "the PIN hash stays out of logs"


def test_given_a_caller_not_in_the_csv_then_none(tmp_path: Path) -> None:
    directory = _open(_csv(tmp_path), tmp_path)
    assert _lookup(directory, "phone", "+46701740699") is None
    assert _lookup(directory, "personnummer", "191212121213") is None


def test_given_the_csv_is_replaced_then_the_next_lookup_sees_the_new_contents(
        tmp_path: Path) -> None:
    directory = _open(_csv(tmp_path), tmp_path)
    (tmp_path / "callers.csv").write_text(HEADER + "kund-0003,Ny Påhittad,,+46701740606,,,,,,\n")
    assert _lookup(directory, "phone", "+46701740606") is not None
    assert _lookup(directory, "phone", "+46701740605") is None


def test_given_a_broken_replacement_then_the_previous_contents_stay_and_it_is_logged(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    directory = _open(_csv(tmp_path), tmp_path)
    (tmp_path / "callers.csv").write_text(HEADER + "kund-0003,X,,+46701740606,19121212-1213,,,,,\n")
    assert _lookup(directory, "phone", "+46701740605") is not None
    assert "callers.csv:2: column 'personnummer'" in caplog.text
    assert "1212" not in caplog.text.split("column 'personnummer'")[1]


@pytest.mark.parametrize(("row", "message"), [
    ("kund-9,X,,+46701740606,19121212-1213,,,,,", ":2: column 'personnummer': personnummer check"),
    ("kund-9,X,,+46701740606,121212-1212,,,,,", ":2: column 'personnummer' must be 12 digits"),
    ("191212121212,X,,,,,,,,", ":2: column 'id' looks like a personnummer"),
    ("kund-9,X,,not a number,,,,,,", ":2: column 'phone' is not a telephone number"),
    ("kund-9,X,,,,,bygglov:9,,,", ":2: column 'skills'"),
    ("kund-9,X,,,,,,high,,", ":2: column 'priority'"),
    ("kund-9,X,,,,,,,,4711", ":2: column 'pin_hash'"),
    ("kund-9,X,,,,,,,,,extra", ":2: more fields than the header"),
])
def test_given_a_bad_row_then_the_error_names_file_line_and_column_not_the_value(
        tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(DirectoryError, match=message) as caught:
        _open(_csv(tmp_path, HEADER + row + "\n"), tmp_path)
    assert "callers.csv" in str(caught.value)
    assert "121212" not in str(caught.value) and "4711" not in str(caught.value)


def test_given_two_rows_with_the_same_phone_in_different_forms_then_an_error(
        tmp_path: Path) -> None:
    rows = "a,A,,0701740605,,,,,,\nb,B,,+46701740605,,,,,,\n"
    with pytest.raises(DirectoryError, match=r":3: the same phone as line 2"):
        _open(_csv(tmp_path, HEADER + rows), tmp_path)


def test_given_a_csv_without_an_id_column_or_missing_then_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="must name an 'id' column"):
        _open(_csv(tmp_path, "name,phone\nX,+46701740605\n"), tmp_path)
    model = Directory(id="x", backend=CsvBackend(type="csv", path="missing.csv"))
    with pytest.raises(DirectoryError, match=r"missing\.csv"):
        _open(model, tmp_path)


def test_given_a_semicolon_csv_then_read_with_that_delimiter(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("id;name;phone\nk1;Alva Påhittad;08-465 004 00\n")
    model = Directory(id="x", backend=CsvBackend(type="csv", path="c.csv", delimiter=";"))
    record = _lookup(_open(model, tmp_path), "phone", "+46846500400")
    assert record is not None and record.name == "Alva Påhittad"


# -- SQL --------------------------------------------------------------------------------


def _sqlite(tmp_path: Path, rows: list[tuple[Any, ...]]) -> Directory:
    with sqlite3.connect(tmp_path / "kunder.db") as db:
        db.execute("CREATE TABLE callers (id TEXT PRIMARY KEY, name TEXT, language TEXT, "
                   "phone TEXT, personnummer TEXT, customer_number TEXT, skills TEXT, "
                   "priority INTEGER, queue TEXT, pin_hash TEXT)")
        db.executemany("INSERT INTO callers VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    return Directory(id="kunder", backend=SqlBackend(type="sql", database="kunder.db"))


def test_given_an_sqlite_table_then_callers_are_found_by_each_key(tmp_path: Path) -> None:
    model = _sqlite(tmp_path, [("kund-0001", "Tolvan Testsson", "sv", "+46701740605",
                                "191212121212", "9000019", "bygglov:3", 7, None, PIN_HASH)])
    directory = _open(model, tmp_path)
    for by, value in [("phone", "+46701740605"), ("personnummer", "191212121212"),
                      ("number", "9000019"), ("id", "kund-0001")]:
        record = _lookup(directory, by, value)
        assert record is not None and record.id == "kund-0001", by
        assert record.priority == 7 and record.skills == (("bygglov", 3),)
    assert _lookup(directory, "phone", "+46701740699") is None
    asyncio.run(directory.close())


def test_given_the_sqlite_file_then_ccctl_never_writes_to_it(tmp_path: Path) -> None:
    model = _sqlite(tmp_path, [("kund-1", "A", None, "+46701740605", None, None, None, None,
                                None, None)])
    directory = _open(model, tmp_path)
    connection = directory._connection  # type: ignore[attr-defined]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        connection.execute("DELETE FROM callers")


def test_given_two_rows_with_one_phone_then_an_error_not_a_guess(tmp_path: Path) -> None:
    rows = [(f"k{i}", "A", None, "+46701740605", None, None, None, None, None, None)
            for i in range(2)]
    directory = _open(_sqlite(tmp_path, rows), tmp_path)
    with pytest.raises(DirectoryError, match="more than one row"):
        _lookup(directory, "phone", "+46701740605")


def test_given_a_missing_database_or_table_then_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="not found"):
        _open(Directory(id="x", backend=SqlBackend(type="sql", database="none.db")), tmp_path)
    sqlite3.connect(tmp_path / "empty.db").close()
    with pytest.raises(DirectoryError, match="no such table: callers"):
        _open(Directory(id="x", backend=SqlBackend(type="sql", database="empty.db")), tmp_path)


def test_given_a_table_name_that_is_not_an_identifier_then_the_config_is_refused() -> None:
    with pytest.raises(ValueError, match=r"string_pattern_mismatch|should match pattern"):
        SqlBackend(type="sql", database="x.db", table="callers; DROP TABLE callers")


# -- HTTP -------------------------------------------------------------------------------

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def _service(handler: Handler) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/lookup", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/lookup"
    finally:
        await runner.cleanup()


def _http_model(url: str, **extra: Any) -> Directory:
    return Directory(id="crm", backend=HttpBackend(type="http", url=url, **extra))


def test_given_an_http_service_then_the_value_goes_in_the_body_and_the_record_comes_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, Any, str | None]] = []

    async def lookup(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append((request.path_qs, body, request.headers.get("Authorization")))
        if body == {"by": "personnummer", "value": "191212121212"}:
            return web.json_response({"id": "kund-0001", "name": "Tolvan Testsson",
                                      "skills": {"bygglov": 3}, "priority": 5})
        return web.json_response({"error": "not found"}, status=404)

    monkeypatch.setenv("CCCTL_TEST_CRM_TOKEN", "s3cret-token")

    async def scenario() -> tuple[Record | None, Record | None]:
        async with _service(lookup) as url:
            directory = await open_directory(
                _http_model(url, token_env="CCCTL_TEST_CRM_TOKEN"), tmp_path)
            try:
                return (await directory.lookup("personnummer", "191212121212"),
                        await directory.lookup("phone", "+46701740699"))
            finally:
                await directory.close()

    found, missing = asyncio.run(scenario())
    assert found is not None and found.id == "kund-0001"
    assert found.skills_text() == "bygglov:3" and found.priority == 5
    assert missing is None
    assert all(path == "/lookup" for path, _, _ in seen), "no value in the URL"
    assert {auth for _, _, auth in seen} == {"Bearer s3cret-token"}


@pytest.mark.parametrize(("status", "body", "message"), [
    (500, {"error": "down"}, "answered HTTP 500"),
    (200, ["not", "an", "object"], "did not answer a JSON object"),
    (200, {"id": "191212121212"}, "looks like a personnummer"),
])
def test_given_a_misbehaving_service_then_a_directory_error_without_the_value(
        tmp_path: Path, status: int, body: Any, message: str) -> None:
    async def lookup(request: web.Request) -> web.Response:
        return web.json_response(body, status=status)

    async def scenario() -> None:
        async with _service(lookup) as url:
            directory = await open_directory(_http_model(url), tmp_path)
            try:
                await directory.lookup("personnummer", "191212121212")
            finally:
                await directory.close()

    with pytest.raises(DirectoryError, match=message) as caught:
        asyncio.run(scenario())
    assert "191212121212" not in str(caught.value)


def test_given_a_service_slower_than_the_timeout_then_a_directory_error(tmp_path: Path) -> None:
    async def lookup(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"id": "k"})

    async def scenario() -> None:
        async with _service(lookup) as url:
            directory = await open_directory(_http_model(url, timeout_seconds=0.2), tmp_path)
            try:
                await directory.lookup("phone", "+46701740605")
            finally:
                await directory.close()

    with pytest.raises(DirectoryError, match="TimeoutError"):
        asyncio.run(scenario())


def test_given_a_token_env_that_is_not_set_then_the_directory_does_not_open(
        tmp_path: Path) -> None:
    os.environ.pop("CCCTL_TEST_MISSING_TOKEN", None)
    model = _http_model("http://127.0.0.1:9/lookup", token_env="CCCTL_TEST_MISSING_TOKEN")
    with pytest.raises(DirectoryError, match="CCCTL_TEST_MISSING_TOKEN"):
        _open(model, tmp_path)
