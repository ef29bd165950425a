"""Hostile input is refused with one clear line, and the learner's database stays exactly as it was."""

from __future__ import annotations

import contextlib
import http.server
import socket
import sqlite3
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from anki_packages import mcq, package_with_collection, write_package, zip_with
from certdrill.cli import main
from certdrill.decks.importers.package_zip import Limits
from certdrill.decks.importers.remote import DownloadLimits
from certdrill.study.importing import ImportOptions, import_source
from certdrill.study.workspace import Workspace
from helpers import refused


@pytest.mark.parametrize("member", ["../escape.txt", "/etc/evil", "media/../../up", "C:\\windows\\evil", "a\\..\\..\\b"])
def test_member_paths_that_leave_the_package_are_refused(workspace: Workspace, tmp_path: Path, member: str) -> None:
    source = zip_with(tmp_path / "slip.apkg", {"collection.anki2": b"x", member: b"boom"})
    assert "outside the package folder" in refused(workspace, source)


def test_zip_bomb_by_compression_ratio_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    source = zip_with(tmp_path / "bomb.apkg", {"collection.anki2": b"\0" * (16 * 1024 * 1024)})
    assert "zip bomb" in refused(workspace, source)


def test_member_over_the_size_cap_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    source = zip_with(tmp_path / "big.apkg", {"collection.anki2": b"x" * 3000}, zipfile.ZIP_STORED)
    assert "more than the" in refused(workspace, source, limits=Limits(member_bytes=2048, total_bytes=10**9))


def test_total_over_the_cap_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    members = {"meta": b"\x08\x01" + b"\x00" * 2000, "collection.anki2": b"x" * 2000, "media": b"x" * 2000}
    source = zip_with(tmp_path / "many.apkg", members, zipfile.ZIP_STORED)
    assert "in all" in refused(workspace, source, limits=Limits(total_bytes=5000))


def test_media_files_are_never_unpacked_whatever_their_size(workspace: Workspace, tmp_path: Path) -> None:
    package = write_package(tmp_path / "net.apkg", {"Net": [mcq("Q?", ["a", "b"], "A", guid="n1")]})
    with zipfile.ZipFile(package, "a", zipfile.ZIP_STORED) as z:
        z.writestr("0", b"\0" * 4096)  # a media file, larger than the cap below
    with workspace.session() as s:
        report = import_source(s, source=str(package), options=ImportOptions(limits=Limits(member_bytes=3 * 1024 * 1024, total_bytes=3 * 1024 * 1024, ratio_floor=1)), now=workspace.now())
    assert report.added == ["anki-n1"]


def test_a_member_larger_than_it_claims_is_refused_as_damaged(workspace: Workspace, tmp_path: Path) -> None:
    source = zip_with(tmp_path / "liar.apkg", {"collection.anki2": b"x" * 5000}, zipfile.ZIP_STORED)
    data = bytearray(source.read_bytes())
    # The local header's and the central directory's sizes say 100 bytes; the data is 5000.
    for offset in [i for i in range(len(data) - 4) if data[i:i + 4] in (b"PK\x03\x04", b"PK\x01\x02")]:
        size_at = offset + (18 if data[offset + 2] == 3 else 20)
        data[size_at:size_at + 8] = (100).to_bytes(4, "little") * 2
    source.write_bytes(bytes(data))
    # zipfile reads no more than the declared size, then the checksum disagrees.
    assert refused(workspace, source) == "liar.apkg: member 'collection.anki2' is damaged (Bad CRC-32 for file 'collection.anki2')"


def test_zstd_bomb_in_a_modern_package_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    import zstandard

    bomb = zstandard.ZstdCompressor().compress(b"\0" * (8 * 1024 * 1024))
    source = zip_with(tmp_path / "zbomb.apkg", {"meta": b"\x08\x03", "collection.anki21b": bomb})
    assert "zip bomb" in refused(workspace, source, limits=Limits(ratio_floor=1024 * 1024))


@pytest.mark.parametrize(("what", "mutate", "expected"), [
    ("trigger", "CREATE TRIGGER t AFTER INSERT ON notes BEGIN DELETE FROM cards; END;", "contains a trigger"),
    ("view", "CREATE VIEW v AS SELECT * FROM notes;", "contains a view"),
    ("wrong schema", "DROP TABLE notes;", "no 'notes' table"),
    ("missing column", "ALTER TABLE cards DROP COLUMN ord;", "'cards' lacks ord"),
])
def test_collections_with_a_bad_schema_are_refused(
    workspace: Workspace, tmp_path: Path, what: str, mutate: str, expected: str
) -> None:
    assert expected in refused(workspace, package_with_collection(tmp_path, mutate))


def test_corrupt_and_truncated_collections_are_refused(workspace: Workspace, tmp_path: Path) -> None:
    assert "not a usable SQLite database" in refused(workspace, package_with_collection(tmp_path, raw=b"garbage" * 500))
    good = package_with_collection(tmp_path)
    with zipfile.ZipFile(good) as z:
        data = z.read("collection.anki2")
    truncated = package_with_collection(tmp_path, raw=data[: len(data) // 3])
    message = refused(workspace, truncated)
    assert "corrupt" in message or "not a usable SQLite database" in message


def test_not_a_zip_with_an_apkg_name_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "fake.apkg"
    source.write_text("hello")
    assert "not a zip file" in refused(workspace, source)


def test_yaml_with_python_tags_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "evil.yaml"
    source.write_text("format: certdrill/1\nid: !!python/object/apply:os.system ['echo pwned']\n")
    assert "tag not allowed" in refused(workspace, source)


def test_yaml_billion_laughs_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    lol = "a: &a [lol, lol, lol]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n"
    source = tmp_path / "lol.yaml"
    source.write_text(lol)
    assert "aliases are not allowed" in refused(workspace, source)


def test_yaml_over_the_size_cap_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "huge.yaml"
    with source.open("wb") as f:
        f.truncate(33 * 1024 * 1024)
    assert "over the 32 MiB limit" in refused(workspace, source)


def test_control_characters_escapes_and_markup_are_stored_as_literal_text(workspace: Workspace, tmp_path: Path) -> None:
    from sqlalchemy import select

    from certdrill.storage.tables import QuestionRow

    source = tmp_path / "evil.csv"
    source.write_text(
        "question,A,B,answer\n"
        '"[bold red]Pick\x1b[31m one\x1b]0;owned\x07\x00[/]","[link=file:///etc]x[/link]",y\x07,A\n'
    )
    with workspace.session() as s:
        import_source(s, source=str(source), options=ImportOptions(deck_id="evil"), now=workspace.now())
        row = s.execute(select(QuestionRow).where(QuestionRow.deck_id == "evil")).scalar_one()
    assert row.prompt == "[bold red]Pick one[/]"
    assert row.choices == [["[link=file:///etc]x[/link]", True, ""], ["y", False, ""]]


# --- URLs: served by a local http.server on 127.0.0.1 only ---

class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes, float]]] = {}

    def do_GET(self) -> None:
        status, headers, body, delay = self.routes.get(self.path, (404, {}, b"", 0.0))
        time.sleep(delay)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, dict[str, tuple[int, dict[str, str], bytes, float]]]]:
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes, float]]] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()
    httpd.server_close()


def test_a_deck_imports_from_an_http_url(workspace: Workspace, tmp_path: Path, server: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    base, routes = server
    package = write_package(tmp_path / "net.apkg", {"Net": [mcq("Q?", ["a", "b"], "A", guid="n1")]})
    routes["/decks/net.apkg"] = (200, {}, package.read_bytes(), 0.0)
    with workspace.session() as s:
        report = import_source(s, source=f"{base}/decks/net.apkg", options=ImportOptions(), now=workspace.now())
    assert report.deck_id == "net" and report.added == ["anki-n1"]


def test_urls_that_are_not_http_are_refused(workspace: Workspace, tmp_path: Path) -> None:
    assert "only http and https" in refused(workspace, f"file://{tmp_path}/deck.yaml")
    assert "only http and https" in refused(workspace, "ftp://127.0.0.1/deck.apkg")


def test_redirect_to_a_non_http_url_is_refused(workspace: Workspace, server: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    base, routes = server
    routes["/r"] = (302, {"Location": "file:///etc/passwd"}, b"", 0.0)
    assert "redirects to a non-http(s) URL" in refused(workspace, f"{base}/r")


def test_slow_server_times_out(workspace: Workspace, server: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    base, routes = server
    routes["/slow.csv"] = (200, {}, b"question,answer\nq,a\n", 1.5)
    assert "timed out" in refused(workspace, f"{base}/slow.csv", download=DownloadLimits(timeout=0.3))


def test_download_over_the_size_cap_is_refused(workspace: Workspace, server: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    base, routes = server
    routes["/big.csv"] = (200, {}, b"q,a\n" * 5000, 0.0)
    assert "download limit" in refused(workspace, f"{base}/big.csv", download=DownloadLimits(max_bytes=1000))


def test_cli_refusal_is_one_line_and_exit_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "cli"
    assert main(["--data-dir", str(data), "decks"]) == 0
    capsys.readouterr()
    con = sqlite3.connect(data / "certdrill.db")
    before = list(con.iterdump())
    con.close()
    source = zip_with(tmp_path / "slip.apkg", {"collection.anki2": b"x", "../../evil": b"boom"})
    assert main(["--data-dir", str(data), "import", str(source)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("certdrill: ") and "outside the package folder" in err
    con = sqlite3.connect(data / "certdrill.db")
    assert list(con.iterdump()) == before
    con.close()


# --- one deadline for the whole download, however slowly the server sends ---

@contextlib.contextmanager
def drip_server(head: bytes, body: bytes, *, every: float, drip_head: bool = False) -> Iterator[str]:
    """A loopback server that answers one request byte by byte, one byte every `every` seconds (the
    head too if `drip_head`); it stops when the client hangs up, or after 20 s."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(20)

    def serve() -> None:
        with contextlib.suppress(OSError), listener.accept()[0] as conn:
            conn.recv(65536)  # the request
            if not head + body:  # silence, until the client hangs up
                conn.settimeout(20)
                conn.recv(1)
            if not drip_head:
                conn.sendall(head)
            stop = time.monotonic() + 20
            for byte in (head if drip_head else b"") + body:
                if time.monotonic() > stop:
                    break
                conn.sendall(bytes([byte]))
                time.sleep(every)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow.csv"
    finally:
        listener.close()
        thread.join(25)


def timed_refusal(workspace: Workspace, url: str, seconds: float) -> tuple[str, float]:
    start = time.monotonic()
    message = refused(workspace, url, download=DownloadLimits(timeout=seconds))
    return message, time.monotonic() - start


def test_a_body_sent_one_byte_at_a_time_stops_at_the_deadline(workspace: Workspace) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
    with drip_server(head, b"question,answer\n" * 63, every=0.1) as url:
        message, elapsed = timed_refusal(workspace, url, 1.5)
    assert message == f"{url}: timed out after 1.5 s"
    assert elapsed < 3.0  # 100 s for the whole body at this pace; once 20 s with 64 KiB reads


def test_headers_sent_one_byte_at_a_time_stop_at_the_deadline(workspace: Workspace) -> None:
    head = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"." * 500 + b"\r\nContent-Length: 4\r\n\r\n"
    with drip_server(head, b"q,a\n", every=0.1, drip_head=True) as url:
        message, elapsed = timed_refusal(workspace, url, 1.5)
    assert message == f"{url}: timed out after 1.5 s"
    assert elapsed < 3.0


def test_a_server_that_never_answers_stops_at_the_deadline(workspace: Workspace) -> None:
    with drip_server(b"", b"", every=0.1) as url:
        message, elapsed = timed_refusal(workspace, url, 1.0)
    assert message == f"{url}: timed out after 1 s" and elapsed < 2.5
