"""The local review page's server: creators read, edit, check, approve and reject drafts in a browser.

Stdlib only (ThreadingHTTPServer): it runs on one laptop for one person. It is still a web server reading untrusted
model output, so it binds to 127.0.0.1, answers only for its own Host (no DNS rebinding), serves nothing but files
under the outputs folder and the one media file each source.json names, and every state-changing request is a POST
carrying a random token made at start-up (a page on another site cannot forge it).
"""

from __future__ import annotations

import hmac
import mimetypes
import re
import secrets
import shutil
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from filelock import FileLock, Timeout

from pipeline import review
from pipeline.artifacts import Source, write_atomic
from pipeline.config import Settings
from pipeline.errors import DevrelError, UserError
from pipeline.review_page import views

STATIC = {"page.css": "text/css; charset=utf-8", "page.js": "text/javascript; charset=utf-8"}
MAX_FORM = 4 << 20  # a draft is a few kilobytes; refuse anything absurd before reading it
RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' http: https:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def save_draft(path: Path, text: str) -> Path:
    """Write a person's edit atomically. Its hash now differs from the manifest's, so no run will overwrite it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # browsers send a textarea's lines with CRLF
    lock = FileLock(str(path.parent / ".lock"))  # the runner's lock: never write while a run writes this folder
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UserError(f"a devrel run is writing {path.parent}; wait for it to finish, then save again") from None
    try:
        write_atomic(path, text)
    finally:
        lock.release()
    return path


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, settings: Settings, out: Path, host: str = "127.0.0.1", port: int = 0):
        self.settings, self.out = settings, Path(out).resolve()
        self.token = secrets.token_urlsafe(32)
        super().__init__((host, port), Handler)
        self.hosts = {f"{name}:{self.server_address[1]}" for name in (host, "127.0.0.1", "localhost")}

    @property
    def url(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}/"

    def inside(self, rel: str) -> Path | None:
        """OUT/rel when it really is under OUT (after `..`, %2e%2e and symlinks are resolved), else None."""
        rel = unquote(rel)
        if "\x00" in rel:
            return None
        path = (self.out / rel).resolve()
        return path if path.is_relative_to(self.out) and path != self.out else None

    def draft(self, rel: str) -> Path | None:
        path = self.inside(rel)
        return path if path is not None and path.name in review.DRAFTS and path.is_file() else None

    def media(self, rel: str) -> Path | None:
        """The media file named by OUT/rel/source.json (a local recording or a downloaded video), and nothing else."""
        folder = self.inside(rel)
        source = views.load_json(folder / "source.json", Source) if folder is not None else None
        if source is None or source.kind != "media" or not source.path or not Path(source.path).is_file():
            return None
        return Path(source.path)


class Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass  # one person, on localhost: request logs are noise in the terminal

    def _route(self) -> tuple[str, str]:
        path = urlsplit(self.path).path
        kind, _, rest = path.lstrip("/").partition("/")
        return kind, rest

    def _host_ok(self) -> bool:
        if self.headers.get("Host") in self.server.hosts:
            return True
        self.close_connection = True  # a POST's body is left unread
        self._plain(HTTPStatus.FORBIDDEN, "this page answers only on its own address (127.0.0.1)")
        return False

    def _plain(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/plain; charset=utf-8")

    def _send(self, status: int, data: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        for key, value in {**SECURITY_HEADERS, "Content-Type": content_type, "Content-Length": str(len(data)), **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _html(self, text: str, status: int = HTTPStatus.OK) -> None:
        self._send(status, text.encode("utf-8"), "text/html; charset=utf-8")

    def do_GET(self) -> None:
        self._guarded(self._get)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        self._guarded(self._post)

    def _guarded(self, handle) -> None:
        """Refuse a foreign Host; an unexpected error is a 500 and a traceback in the terminal, not a dropped page."""
        if not self._host_ok():
            return
        try:
            handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away
        except Exception:
            traceback.print_exc()
            self.close_connection = True
            self._plain(HTTPStatus.INTERNAL_SERVER_ERROR, "something went wrong; the terminal running `devrel review serve` says what")

    def _get(self) -> None:
        kind, rest = self._route()
        server = self.server
        query = parse_qs(urlsplit(self.path).query)
        if kind == "" and not rest:
            return self._html(views.list_page(server.settings, server.out))
        if kind == "static" and rest in STATIC:
            return self._send(HTTPStatus.OK, (views.HERE / rest).read_bytes(), STATIC[rest])
        if kind == "draft" and (path := server.draft(rest)):
            done = query.get("done", [""])[0]
            return self._html(views.draft_page(server.settings, server.out, path, server.token, done=done))
        if kind == "media" and (media := server.media(rest)):
            return self._file(media)
        self._plain(HTTPStatus.NOT_FOUND, "not found")

    def _file(self, path: Path) -> None:
        """A media file, with byte ranges: players seek by asking for the part they need."""
        size = path.stat().st_size
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        start, end, status = 0, size - 1, HTTPStatus.OK
        match = RANGE.match(self.headers.get("Range", "").strip())
        if match and (match.group(1) or match.group(2)):
            if match.group(1):
                start, end = int(match.group(1)), min(int(match.group(2) or size - 1), size - 1)
            else:
                start = max(0, size - int(match.group(2)))
            if start > end or start >= size:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = HTTPStatus.PARTIAL_CONTENT
        self.send_response(status)
        headers = {"Content-Type": content_type, "Content-Length": str(end - start + 1), "Accept-Ranges": "bytes", **SECURITY_HEADERS}
        if status == HTTPStatus.PARTIAL_CONTENT:
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        with path.open("rb") as handle:
            handle.seek(start)
            shutil.copyfileobj(_Limited(handle, end - start + 1), self.wfile)  # a player that seeks hangs up: fine

    def _form(self) -> dict[str, str] | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_FORM:
            self._plain(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large")
            self.close_connection = True
            return None
        fields = parse_qs(self.rfile.read(length).decode("utf-8", errors="replace"), keep_blank_values=True)
        form = {key: values[0] for key, values in fields.items()}
        token = self.headers.get("X-Review-Token") or form.get("token", "")
        if not hmac.compare_digest(token.encode(), self.server.token.encode()):
            self._plain(HTTPStatus.FORBIDDEN, "missing or wrong token: reload the review page and try again")
            return None
        return form

    def _post(self) -> None:
        kind, rest = self._route()
        path = self.server.draft(rest) if kind in ("save", "approve", "reject") else None
        if path is None:
            self.close_connection = True
            return self._plain(HTTPStatus.NOT_FOUND, "not found")
        form = self._form()
        if form is None:
            return
        settings = self.server.settings
        try:
            if kind == "save":
                if "text" not in form:
                    return self._plain(HTTPStatus.BAD_REQUEST, "no text to save")
                save_draft(path, form["text"])
                done = "saved"
            elif kind == "approve":
                review.approve(settings, path)
                done = "approved"
            else:
                review.reject(settings, path)
                done = "rejected"
        except DevrelError as error:  # a run holds the folder, the store cannot be opened...: said on the page
            unsaved = form.get("text") if kind == "save" else None
            page = views.draft_page(settings, self.server.out, path, self.server.token, error=str(error), unsaved=unsaved)
            return self._html(page, HTTPStatus.CONFLICT)
        target = f"/draft/{quote(path.relative_to(self.server.out).as_posix())}?done={done}"
        self._send(HTTPStatus.SEE_OTHER, b"", "text/plain; charset=utf-8", {"Location": target})


class _Limited:
    """A file read up to `left` bytes: the end of a requested range."""

    def __init__(self, handle, left: int):
        self.handle, self.left = handle, left

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.handle.read(size) if size else b""
        self.left -= len(data)
        return data


def serve(settings: Settings, out: Path, port: int = 8765, open_browser: bool = True, announce=print) -> None:
    """Serve the review page on 127.0.0.1 until interrupted (Ctrl-C)."""
    try:
        server = ReviewServer(settings, out, port=port)
    except OSError as error:
        raise UserError(f"cannot listen on 127.0.0.1:{port} ({error.strerror}); pick another port with --port") from None
    announce(f"review page: {server.url}  (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
