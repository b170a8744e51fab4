"""The local review page's server: creators read, edit, check, approve and reject drafts, and name the voices.

Starlette routes the page and uvicorn serves it, on one laptop for one person. It is still a web server reading
untrusted model output, so it binds to 127.0.0.1, answers only for a loopback Host (Starlette's
TrustedHostMiddleware: no DNS rebinding), serves nothing but files under the outputs folder and the one media file
each source.json names (FileResponse: HEAD and byte ranges for the player), sends a strict CSP with every answer,
and every state-changing request is a POST carrying a random token made at start-up (a page on another site
cannot forge it).
"""

from __future__ import annotations

import hmac
import secrets
import socket
import threading
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, quote

import uvicorn
from filelock import FileLock, Timeout
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.artifacts import Source, write_atomic
from pipeline.config import Settings
from pipeline.errors import DevrelError, UserError
from pipeline.review import decisions, speakers
from pipeline.review.page import views

STATIC = {"page.css": "text/css; charset=utf-8", "page.js": "text/javascript; charset=utf-8"}
MAX_FORM = 4 << 20  # a draft is a few kilobytes; refuse anything absurd before reading it
LOOPBACK = ("127.0.0.1", "localhost")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' http: https:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
FOREIGN_HOST = "this page answers only on its own address (127.0.0.1)"
BAD_TOKEN = "missing or wrong token: reload the review page and try again"
CHANGES = {"save": "saved", "approve": "approved", "reject": "rejected"}  # a POST's path → the page's ?done=
CRASHED = "something went wrong; the terminal running `devrel review serve` says what"


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


class Outputs:
    """What may be served from the outputs folder: paths are resolved (`..`, %2e%2e, symlinks) before any use."""

    def __init__(self, out: Path):
        self.out = Path(out).resolve()

    def inside(self, rel: str) -> Path | None:
        """OUT/rel when it really is under OUT, else None. `rel` arrives percent-decoded from the router."""
        if "\x00" in rel:
            return None
        path = (self.out / rel).resolve()
        return path if path.is_relative_to(self.out) and path != self.out else None

    def draft(self, rel: str) -> Path | None:
        path = self.inside(rel)
        return path if path is not None and path.name in decisions.DRAFTS and path.is_file() else None

    def media(self, rel: str) -> Path | None:
        """The media file named by OUT/rel/source.json (a local recording or a downloaded video), and nothing else."""
        folder = self.inside(rel)
        source = views.load_json(folder / "source.json", Source) if folder is not None else None
        if source is None or source.kind != "media" or not source.path or not Path(source.path).is_file():
            return None
        return Path(source.path)


def plain(text: str, status: int) -> PlainTextResponse:
    return PlainTextResponse(text, status_code=status)


def page_app(settings: Settings, out: Path, token: str, hosts: tuple[str, ...] = LOOPBACK) -> ASGIApp:
    """The review page as an ASGI app: Starlette's routes, its Host check, and our headers on every answer."""
    files = Outputs(out)

    def listing(request: Request) -> Response:  # sync endpoints run in Starlette's thread pool: files, checks
        return HTMLResponse(views.list_page(settings, files.out))

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return plain("not found", 404)
        return FileResponse(views.HERE / name, media_type=STATIC[name])

    def draft(request: Request) -> Response:
        path = files.draft(request.path_params["rel"])
        if path is None:
            return plain("not found", 404)
        done = request.query_params.get("done", "")
        return HTMLResponse(views.draft_page(settings, files.out, path, token, done=done))

    def media(request: Request) -> Response:
        path = files.media(request.path_params["rel"])
        return FileResponse(path) if path is not None else plain("not found", 404)  # Range → 206, past the end → 416

    async def form(request: Request) -> dict[str, str] | Response:
        """The POST's fields, or the answer refusing it: the page's token (field or X-Review-Token) is required."""
        fields = parse_qs((await request.body()).decode("utf-8", errors="replace"), keep_blank_values=True)
        values = {key: found[0] for key, found in fields.items()}
        sent = request.headers.get("X-Review-Token") or values.get("token", "")
        if not hmac.compare_digest(sent.encode(), token.encode()):
            return plain(BAD_TOKEN, 403)
        return values

    async def refused(path: Path, error: DevrelError, unsaved: str | None = None) -> Response:
        """The draft page again with what stopped the change (a run holds the folder...), an unsaved edit kept."""
        page = await run_in_threadpool(
            views.draft_page, settings, files.out, path, token, error=str(error), unsaved=unsaved
        )
        return HTMLResponse(page, status_code=409)

    def back(path: Path, done: str) -> Response:
        return RedirectResponse(f"/draft/{quote(path.relative_to(files.out).as_posix())}?done={done}", status_code=303)

    async def posted(request: Request) -> tuple[Path, dict] | Response:
        """The draft a POST is about and its form, or the response that refuses it (unknown draft, bad form)."""
        path = files.draft(request.path_params["rel"])
        if path is None:
            return plain("not found", 404)
        values = await form(request)
        return values if isinstance(values, Response) else (path, values)

    async def change(kind: str, request: Request) -> Response:
        """Save, approve or reject one draft; a run holding the folder is said on the page, the edit kept."""
        found = await posted(request)
        if isinstance(found, Response):
            return found
        path, values = found
        if kind == "save" and "text" not in values:
            return plain("no text to save", 400)
        act = {
            "save": partial(save_draft, path, values.get("text")),
            "approve": partial(decisions.approve, settings, path),
            "reject": partial(decisions.reject, settings, path),
        }[kind]
        try:
            await run_in_threadpool(act)
        except DevrelError as error:  # a run holds the folder, the store cannot be opened...
            return await refused(path, error, values.get("text") if kind == "save" else None)
        return back(path, CHANGES[kind])

    async def rename(request: Request) -> Response:
        """Name one voice of this draft's source, then make the drafts again from the outline (in a thread: with a
        real model that takes a while, and the page stays usable meanwhile)."""
        found = await posted(request)
        if isinstance(found, Response):
            return found
        path, values = found
        try:
            await run_in_threadpool(
                speakers.rename, settings, path.parent, values.get("label", ""), values.get("name", "")
            )
        except speakers.BadName as error:
            return plain(str(error), 400)
        except DevrelError as error:  # a run holds the folder, outline.json is missing...
            return await refused(path, error)
        return back(path, "renamed")

    async def crashed(request: Request, error: Exception) -> Response:
        return plain(CRASHED, 500)  # uvicorn logs the traceback in the terminal

    routes = [
        Route("/", listing),
        Route("/static/{name}", static),
        Route("/draft/{rel:path}", draft),
        Route("/media/{rel:path}", media),
        *(
            Route(f"/{kind}/{{rel:path}}", partial(change, kind), methods=["POST"], max_body_size=MAX_FORM)
            for kind in CHANGES
        ),
        Route("/speakers/{rel:path}", rename, methods=["POST"], max_body_size=MAX_FORM),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={500: crashed},
        middleware=[Middleware(LoopbackHost, allowed_hosts=list(hosts))],
    )
    return SecurityHeaders(app)


class LoopbackHost:
    """Starlette's TrustedHostMiddleware decides; a Host it refuses gets 403 and a sentence saying why (its own
    answer is a bare 400), as the page has always answered a rebinding attempt."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]):
        self.checked = TrustedHostMiddleware(self._passed(app), allowed_hosts=allowed_hosts, www_redirect=False)

    @staticmethod
    def _passed(app: ASGIApp) -> ASGIApp:
        async def passed(scope: Scope, receive: Receive, send: Send) -> None:
            scope["devrel.host_ok"] = True
            await app(scope, receive, send)

        return passed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def unless_refused(message: Message) -> None:
            if scope.get("devrel.host_ok"):
                await send(message)

        await self.checked(scope, receive, unless_refused)
        if scope["type"] == "http" and not scope.get("devrel.host_ok"):
            await plain(FOREIGN_HOST, 403)(scope, receive, send)


class SecurityHeaders:
    """The CSP and friends on every answer, errors and 416s included; header names in their usual case
    (Content-Type, not content-type) as the stdlib server sent them: HTTP does not mind, simple clients do."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers[key] = value
                message["headers"] = [
                    (b"-".join(part.capitalize() for part in key.split(b"-")), value) for key, value in headers.raw
                ]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


class ReviewServer:
    """The page on a socket bound at construction (so a busy port fails at once and port 0 gets a real one);
    serve_forever / shutdown / server_close as with the stdlib's servers, so it runs in a thread for tests."""

    def __init__(self, settings: Settings, out: Path, host: str = "127.0.0.1", port: int = 0):
        self.settings, self.out = settings, Path(out).resolve()
        self.token = secrets.token_urlsafe(32)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self.socket.bind((host, port))
        except OSError:
            self.socket.close()
            raise
        self.socket.listen(128)
        # h11 (uvicorn's own dependency, unlike httptools) sends header names in the case they are given
        config = uvicorn.Config(
            page_app(settings, self.out, self.token, (host, *LOOPBACK)),
            http="h11",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=5,
        )
        self.uvicorn = uvicorn.Server(config)
        self._stopped = threading.Event()
        self._stopped.set()

    @property
    def server_address(self) -> tuple[str, int]:
        return self.socket.getsockname()[:2]

    @property
    def url(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}/"

    def serve_forever(self) -> None:
        """Serve until shutdown() (from another thread) or Ctrl-C (in the main thread: uvicorn's signal handling)."""
        self._stopped.clear()
        try:
            self.uvicorn.run(sockets=[self.socket])
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        self.uvicorn.should_exit = True
        self._stopped.wait()

    def server_close(self) -> None:
        self.socket.close()


def serve(settings: Settings, out: Path, port: int = 8765, open_browser: bool = True, announce=print) -> None:
    """Serve the review page on 127.0.0.1 until interrupted (Ctrl-C)."""
    try:
        server = ReviewServer(settings, out, port=port)
    except OSError as error:
        raise UserError(
            f"cannot listen on 127.0.0.1:{port} ({error.strerror}); pick another port with --port"
        ) from None
    announce(f"review page: {server.url}  (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # uvicorn stopped gently, then passed the Ctrl-C on
    finally:
        server.server_close()
