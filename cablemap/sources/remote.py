"""The one module that talks HTTP: download raw files from a remote v3/v2 root.

Built on well-kept libraries rather than hand-written protocol code:

- **httpx**: one client for the whole fetch, with timeouts and connection pooling.
- **hishel**: an RFC 9111 HTTP cache under the cablemap cache directory. Every request
  asks for revalidation (``Cache-Control: no-cache``), so a re-fetch sends
  ``If-None-Match`` / ``If-Modified-Since`` and an unchanged file comes back as a
  bodyless ``304 Not Modified`` instead of being downloaded again.
- **tenacity**: retries with exponential backoff and jitter on connection errors,
  timeouts, truncated bodies, 429 (honouring ``Retry-After``) and 5xx.

Files are downloaded by a small thread pool sharing the client (httpx clients are
thread-safe); the pool size is the ``concurrency`` setting.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from urllib.parse import urlsplit

import hishel
import hishel.httpx
import httpx
import tenacity

from cablemap.config import Settings
from cablemap.errors import CacheError, DataError, NetworkError, UserError, clip, shorten
from cablemap.sources.files import FileData

# hishel logs its storage failures with tracebacks, from worker threads too; with no
# handler configured they reach stderr through logging's last resort. The failures that
# matter surface as exceptions here, so its log stays silent.
logging.getLogger("hishel").addHandler(logging.NullHandler())
logging.getLogger("hishel").propagate = False

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
HTTP_CACHE_SLACK_BYTES = 1024 * 1024
"""Free space the HTTP cache database may keep after a fetch; more is given back (VACUUM)."""
USER_AGENT = "cablemap (https://github.com/cablemap; open-source cable mapping tool)"


class _RetryableStatusError(Exception):
    """An HTTP status worth retrying; carries the response's Retry-After, if any."""

    def __init__(self, url: str, status: int, retry_after_s: float | None) -> None:
        super().__init__(f"{url}: HTTP {status}")
        self.url = url
        self.status = status
        self.retry_after_s = retry_after_s


class _TooLargeError(Exception):
    """A response body over the size limit (not retried)."""


class _DeadlineError(Exception):
    """The fetch's total deadline has passed (not retried)."""


def check_remote_root(url: str) -> str:
    """Validate a remote root URL and return it with exactly one trailing slash.

    Only ``https://`` roots are accepted, plus ``http://`` on a loopback address
    (``127.0.0.0/8``, ``::1``, ``localhost``) so that tests can use a local server.

    Raises
    ------
    UserError
        For any other scheme or a plain-http non-loopback host.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        host.encode("idna")  # labels of 1-63 characters, as a request would need them
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise UserError(f"source {clip(url)} is not a valid URL ({clip(exc)})") from exc
    if parts.scheme == "http" and _is_loopback(host):
        return url.rstrip("/") + "/"
    if parts.scheme != "https" or not host:
        raise UserError(
            f"source {clip(url)}: only https:// roots are allowed (http:// only on 127.0.0.1 or "
            "localhost, for testing); give an https:// URL, a directory or an archive"
        )
    return url.rstrip("/") + "/"


def _refuse_downgrade(request: httpx.Request) -> None:
    """Apply the root's rule to every request, redirects included (no https -> http)."""
    try:
        check_remote_root(str(request.url))
    except UserError as exc:
        raise NetworkError(
            f"{clip(request.url)}: refused: a redirect may not leave https (or loopback http)"
        ) from exc


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))  # delay-seconds (RFC 9110 allows integers only)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class RemoteReader:
    """Read raw files from a remote root over HTTP, with caching and retries.

    Parameters
    ----------
    root
        The root URL (checked with :func:`check_remote_root`).
    settings
        Timeouts, retries, concurrency and size limits.
    http_cache
        Path of the SQLite file of the HTTP cache (revalidation data).
    """

    def __init__(self, root: str, settings: Settings, *, http_cache: Path) -> None:
        self.root = check_remote_root(root)
        self.description = self.root
        self.settings = settings
        self._backoff = tenacity.wait_exponential(
            multiplier=settings.backoff_s, max=settings.max_backoff_s
        ) + tenacity.wait_random(0, settings.backoff_s)
        self._deadline = time.monotonic() + settings.deadline_s
        self._cache_path = http_cache
        http_cache.parent.mkdir(parents=True, exist_ok=True)
        transport = hishel.httpx.CacheTransport(
            next_transport=httpx.HTTPTransport(retries=0),
            storage=hishel.SqliteStorage(database_path=http_cache),
            rfc=hishel.CacheOptions(shared=False),
        )
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(settings.timeout_s),
            headers={"User-Agent": USER_AGENT, "Cache-Control": "no-cache"},
            follow_redirects=True,
            event_hooks={"request": [_refuse_downgrade]},
        )

    def close(self) -> None:
        """Close the HTTP client and its cache, then give back the space of discarded bodies."""
        self._client.close()
        compact_http_cache(self._cache_path)

    def read(self, relpath: str, *, optional: bool = False) -> FileData | None:
        """Download one file; a 404 on an optional file returns ``None``.

        Raises
        ------
        NetworkError
            When the file cannot be downloaded after the retries, or the fetch's total
            deadline (``deadline_s``) has passed. Messages name the URL that failed,
            after redirects.
        DataError
            When the body is over the size limit or cannot be decoded.
        CacheError
            When the HTTP cache database is damaged.
        """
        url = self.root + relpath
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.settings.retries + 1),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type((httpx.TransportError, _RetryableStatusError)),
            reraise=True,
        )
        try:
            return retrying(self._get_once, url, relpath, optional)
        except (
            httpx.RequestError,
            _RetryableStatusError,
            _TooLargeError,
            _DeadlineError,
            httpx.InvalidURL,
            sqlite3.Error,
        ) as exc:
            raise self._one_line_error(exc, url) from exc

    def _one_line_error(self, exc: Exception, url: str) -> Exception:
        """Turn what a download raised into the user's one-line error."""
        attempts = f"{self.settings.retries + 1} attempts"
        failing = shorten(_failing_url(exc, url))
        if isinstance(exc, _RetryableStatusError):
            return NetworkError(
                f"{failing}: HTTP {exc.status} after {attempts}; "
                "the server is failing, try again later"
            )
        if isinstance(exc, _DeadlineError):
            return NetworkError(
                f"{failing}: the fetch took longer than its {self.settings.deadline_s:g} s "
                "deadline (setting deadline_s, CABLEMAP_FETCH_DEADLINE); try again later"
            )
        if isinstance(exc, httpx.TimeoutException):
            return NetworkError(
                f"{failing}: timed out after {self.settings.timeout_s:g} s ({attempts}); "
                "check the connection or try later"
            )
        if isinstance(exc, httpx.TooManyRedirects):
            return NetworkError(f"{failing}: too many redirects (a redirect loop?); check the URL")
        if isinstance(exc, httpx.DecodingError):
            return DataError(f"{failing}: the body cannot be decoded ({exc}); a damaged response")
        if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
            return NetworkError(
                f"{failing}: refused a redirect to an invalid or unsupported URL "
                f"({shorten(str(exc))}); check the source root"
            )
        if isinstance(exc, httpx.RequestError):
            return NetworkError(
                f"{failing}: {type(exc).__name__}: {exc or 'connection failed'} "
                f"({attempts}); check the connection or the URL"
            )
        if isinstance(exc, sqlite3.Error):
            return _damaged_cache(self._cache_path, exc)
        return DataError(str(exc))

    def read_many(self, relpaths: Iterable[str]) -> Iterator[FileData]:
        """Download many files concurrently, yielding each as it completes.

        Stops at the first failure (the others are cancelled) and re-raises it.
        """
        pending: set[Future[FileData | None]] = set()
        todo = iter(relpaths)
        pool = ThreadPoolExecutor(max_workers=self.settings.concurrency)
        try:
            for relpath in todo:
                pending.add(pool.submit(self.read, relpath))
                if len(pending) >= self.settings.concurrency * 2:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    assert result is not None
                    yield result
                    nxt = next(todo, None)
                    if nxt is not None:
                        pending.add(pool.submit(self.read, nxt))
        except BaseException:
            # Failure or Ctrl-C: do not wait for downloads still under way (each may take
            # several retries); they finish in their threads and are discarded.
            for future in pending:
                future.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableStatusError) and exc.retry_after_s is not None:
            wait_s = min(exc.retry_after_s, self.settings.max_backoff_s)
        else:
            wait_s = float(self._backoff(state))
        return min(wait_s, self._remaining())

    def _get_once(self, url: str, relpath: str, optional: bool) -> FileData | None:
        limit = self.settings.max_response_bytes
        timeout = min(self.settings.timeout_s, self._remaining())
        with self._client.stream("GET", url, timeout=timeout) as response:
            final = str(response.url)
            if response.status_code in RETRYABLE_STATUS:
                retry_after = _parse_retry_after(response.headers.get("Retry-After"))
                raise _RetryableStatusError(final, response.status_code, retry_after)
            if response.status_code == 404 and optional:
                return None
            if response.status_code != 200:
                raise NetworkError(
                    f"{final}: HTTP {response.status_code} {response.reason_phrase}; "
                    "the source does not serve this file: check the source root"
                )
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise _TooLargeError(f"{final}: response of {declared} bytes is over {limit}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise _TooLargeError(f"{final}: response is over the {limit}-byte limit")
                chunks.append(chunk)
                self._remaining()
            return FileData(
                relpath,
                b"".join(chunks),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
                revalidated=bool(response.extensions.get("caching", {}).get("revalidated")),
            )

    def _remaining(self) -> float:
        """Seconds left before the fetch's deadline; raises once it has passed."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise _DeadlineError
        return left


def compact_http_cache(path: Path, *, slack_bytes: int = HTTP_CACHE_SLACK_BYTES) -> None:
    """Give back to the disk the space of bodies the HTTP cache did not keep.

    hishel writes a body into SQLite while it is read and deletes it if the body is
    refused (over ``max_response_bytes``) or incomplete. SQLite keeps the freed pages in
    the file, so a refused 64 MiB body would leave a 64 MiB database; when more than
    ``slack_bytes`` are free, the database is rewritten (``VACUUM``). Any SQLite failure
    (a damaged or busy file) is ignored: the file only saves downloads.

    Parameters
    ----------
    path
        The HTTP cache database (``http-cache.sqlite``); nothing happens if it is absent.
    slack_bytes
        Free space left alone (a VACUUM rewrites the whole file).
    """
    if not path.is_file():
        return
    try:
        connection = sqlite3.connect(path, timeout=0.5, isolation_level=None)
        try:
            (page_size,) = connection.execute("PRAGMA page_size").fetchone()
            (free_pages,) = connection.execute("PRAGMA freelist_count").fetchone()
            if free_pages * page_size > slack_bytes:
                connection.execute("VACUUM")
        finally:
            connection.close()
    except sqlite3.Error:
        pass


def _failing_url(exc: Exception, url: str) -> str:
    """The URL a failure happened on (after redirects), else the one asked for."""
    if isinstance(exc, _RetryableStatusError):
        return exc.url
    if isinstance(exc, httpx.RequestError):
        try:
            return str(exc.request.url)
        except RuntimeError:  # no request attached
            return url
    return url


def _damaged_cache(path: Path, exc: Exception) -> CacheError:
    return CacheError(
        f"{path}: the HTTP cache is damaged ({exc}); delete this file (it only saves "
        "downloads) and fetch again"
    )
