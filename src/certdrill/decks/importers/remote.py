"""Download a deck from an http(s) URL with a timeout, a size cap and no other URL schemes."""

from __future__ import annotations

import http.client
import re
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


def is_url(source: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source))


@dataclass(frozen=True, slots=True)
class DownloadLimits:
    max_bytes: int = MAX_DOWNLOAD_BYTES
    timeout: float = TIMEOUT_SECONDS  # per network operation, and for the whole download


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
    """Save the document at `url` into the folder `into`; returns the file's path."""
    if urlparse(url).scheme.lower() not in _SCHEMES:
        raise CertdrillError(f"{url[:80]}: refused: only http and https URLs can be imported")
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    deadline = time.monotonic() + limits.timeout
    try:
        with opener.open(url, timeout=limits.timeout) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise CertdrillError(f"{url}: refused: {int(declared) / 1048576:.1f} MiB, over the "
                                     f"{limits.max_bytes / 1048576:g} MiB download limit")
            data = bytearray()
            while chunk := response.read(65536):
                data += chunk
                if len(data) > limits.max_bytes:
                    raise CertdrillError(f"{url}: refused: larger than the {limits.max_bytes / 1048576:g} MiB download limit")
                if time.monotonic() > deadline:
                    raise TimeoutError
            final_url = response.geturl()
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
    target = into / _file_name(final_url)
    target.write_bytes(bytes(data))
    return target
