"""Download a deck from an http(s) URL within one deadline and a size cap, and no other URL schemes."""

from __future__ import annotations

import http.client
import io
import re
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPMessage
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import unquote, urljoin, urlparse

from certdrill.errors import CertdrillError

MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
_SCHEMES = ("http", "https")
_PIECE = 16 * 1024  # read at a time: the deadline is checked before every read from the network


def is_url(source: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source))


@dataclass(frozen=True, slots=True)
class DownloadLimits:
    max_bytes: int = MAX_DOWNLOAD_BYTES
    timeout: float = TIMEOUT_SECONDS  # for the whole download: connecting, headers, redirects, body


class _Deadline:
    """Every read from the socket waits at most until the deadline, however slowly bytes come."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left


class _DeadlineReader(io.RawIOBase):
    """The socket as http.client reads it (headers and body): each read is one `recv` with the
    socket's timeout set to what is left before the deadline."""

    def __init__(self, owner: _DeadlineSocket) -> None:
        super().__init__()
        self.owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        sock = self.owner.sock
        sock.settimeout(self.owner.deadline.left())
        return sock.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            self.owner.reader_closed()
        super().close()


class _DeadlineSocket:
    """A connected socket whose reading side is a `_DeadlineReader`. Like `socket.makefile`, the
    socket stays open while a reader is (urllib closes the connection before the body is read)."""

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self.sock, self.deadline = sock, deadline
        self.readers, self.closed = 0, False

    def makefile(self, mode: str = "rb", *_args: Any, **_kwargs: Any) -> io.BufferedReader:
        self.readers += 1
        return io.BufferedReader(_DeadlineReader(self), _PIECE)

    def reader_closed(self) -> None:
        self.readers -= 1
        self._close_when_done()

    def close(self) -> None:
        self.closed = True
        self._close_when_done()

    def _close_when_done(self) -> None:
        if self.closed and not self.readers:
            self.sock.close()

    def __getattr__(self, name: str) -> Any:  # sendall, settimeout, ...
        return getattr(self.sock, name)


class _DeadlineHTTP(http.client.HTTPConnection):
    deadline: _Deadline

    def connect(self) -> None:
        self.timeout = min(self.deadline.left(), self.timeout or TIMEOUT_SECONDS)
        super().connect()
        self.sock = _DeadlineSocket(self.sock, self.deadline)  # type: ignore[assignment]


class _DeadlineHTTPS(http.client.HTTPSConnection):
    deadline: _Deadline

    def connect(self) -> None:
        self.timeout = min(self.deadline.left(), self.timeout or TIMEOUT_SECONDS)
        super().connect()  # the TLS handshake happens in here, under that timeout
        self.sock = _DeadlineSocket(self.sock, self.deadline)  # type: ignore[assignment]


class _HttpHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, **kwargs: Any) -> _DeadlineHTTP:
            conn = _DeadlineHTTP(host, **kwargs)
            conn.deadline = self.deadline
            return conn

        return self.do_open(connection, req)  # type: ignore[arg-type]


class _HttpsHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline
        self.context = ssl.create_default_context()

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, **kwargs: Any) -> _DeadlineHTTPS:
            conn = _DeadlineHTTPS(host, context=self.context, **kwargs)
            conn.deadline = self.deadline
            return conn

        return self.do_open(connection, req)  # type: ignore[arg-type]


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def http_error_302(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                       headers: HTTPMessage) -> Any:
        target = urljoin(req.full_url, headers.get("location") or headers.get("uri") or "")
        if urlparse(target).scheme.lower() not in _SCHEMES:
            raise CertdrillError(f"{req.full_url}: refused: redirects to a non-http(s) URL ({target[:80]})")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _file_name(url: str) -> str:
    name = PurePosixPath(unquote(urlparse(url).path)).name
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100].lstrip(".") or "download"


def fetch(url: str, *, into: Path, limits: DownloadLimits = DownloadLimits()) -> Path:
    """Save the document at `url` into the folder `into`, streamed to disk; returns the file's path."""
    if urlparse(url).scheme.lower() not in _SCHEMES:
        raise CertdrillError(f"{url[:80]}: refused: only http and https URLs can be imported")
    deadline = _Deadline(limits.timeout)
    opener = urllib.request.build_opener(_HttpHandler(deadline), _HttpsHandler(deadline), _HttpOnlyRedirects)
    try:
        with opener.open(url, timeout=limits.timeout) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise CertdrillError(f"{url}: refused: {int(declared) / 1048576:.1f} MiB, over the "
                                     f"{limits.max_bytes / 1048576:g} MiB download limit")
            target = into / _file_name(response.geturl())
            size = 0
            with target.open("wb") as out:
                while chunk := response.read1(_PIECE):
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise CertdrillError(f"{url}: refused: larger than the {limits.max_bytes / 1048576:g} MiB "
                                             "download limit")
                    out.write(chunk)
    except CertdrillError:
        raise
    except urllib.error.HTTPError as exc:
        raise CertdrillError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
    except (TimeoutError, urllib.error.URLError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError):
            raise CertdrillError(f"{url}: timed out after {limits.timeout:g} s") from None
        raise CertdrillError(f"{url}: cannot download ({reason})") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise CertdrillError(f"{url}: cannot download ({exc})") from None
    return target
