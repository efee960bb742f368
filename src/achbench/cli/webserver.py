"""The editor in a web browser: textual-serve's front end, guarded by a token.

``achbench serve`` runs this.  textual-serve (Textualize's own) supplies the
browser side (xterm.js in ``textual.js``) and the protocol that carries a
Textual app's screen and keys over a websocket; each websocket gets its own
process, here ``achbench edit FILE``, the same editor as in a terminal.  This
module adds what a shared machine needs and textual-serve leaves out:

* **A token.**  Every request must carry ``?token=...`` (the URL printed at
  start) or the cookie the page sets from it (HttpOnly, SameSite=Strict, named
  for the port); anything else gets a 403, the page and the websocket alike.
  The websocket also refuses another origin, so a page from elsewhere on
  localhost cannot drive the editor with the cookie.
* **Hang-up, not quit, when a tab closes.**  textual-serve asks the app to quit,
  which drops unsaved work.  Here the process gets SIGHUP, as a terminal editor
  does when its window closes: the editor writes its recovery file and exits
  (``tui.app``), and the next editor on the file offers to restore it.  Each
  editor runs in its own session, so Ctrl+C on the server reaches only the
  server, which then hangs up every editor the same way.
* **Nothing fetched from elsewhere.**  textual-serve's page loads a font from a
  web font service; this page uses the font textual-serve ships.

Built on textual-serve's ``Server`` and ``AppService`` (pinned below 2 in
pyproject.toml): only the page, the websocket handler and the way a process
is started and stopped are replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import ipaddress
import logging
import secrets
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

HANGUP_GRACE = 10.0
"""Seconds an editor has to write its recovery file and exit after SIGHUP."""

KEYS_GRACE = 0.3
"""Seconds an editor has to take in the keys a tab sent just before it closed."""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<style>
@font-face {{ font-family: "Roboto Mono"; font-weight: 100 900;
  src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }}
body {{ margin: 0; background: #0c181f; color: #eee; font-family: "Roboto Mono", monospace; }}
.ended {{ display: none; position: absolute; inset: 0; z-index: 10; align-items: center;
  justify-content: center; flex-direction: column; background: #0c181fee; }}
body.-closed .ended {{ display: flex; }}
.ended a {{ color: #fff; background: #5e0ba7; padding: 12px 28px; margin: 16px;
  text-decoration: none; }}
</style></head>
<body>
<div class="ended"><p>The editor has stopped (saved, quit, or the server ended).</p>
<a href="">Open the editor again</a></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{websocket}"
 data-font-size="{font_size}"></div>
</body></html>
"""


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """``host`` as it appears in a URL (IPv6 addresses in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class EditorProcess(AppService):
    """One browser tab's editor: started as its own session, stopped by hanging up."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        server: Server,
    ) -> None:
        super().__init__(
            " ".join(argv),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=server.download_manager,
        )
        self.argv = list(argv)

    async def _open_app_process(
        self, width: int = 80, height: int = 24
    ) -> asyncio.subprocess.Process:
        # No shell (a file name is never parsed), and a session of its own so that
        # the server's terminal signals (Ctrl+C) do not reach the editor directly.
        process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._process = process
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Hang up the editor (it keeps unsaved work in its recovery file), then wait for it."""
        task, process = self._task, self._process
        if task is None:
            return
        self._task = None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        if process is not None and process.returncode is None:
            await asyncio.sleep(KEYS_GRACE)
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):  # it has just ended
                process.send_signal(signal.SIGHUP)
        try:
            await asyncio.wait_for(asyncio.shield(task), HANGUP_GRACE)
        except TimeoutError:
            if process is not None and process.returncode is None:
                process.kill()
            await task
        if process is not None:
            await process.wait()


class EditorServer(Server):
    """textual-serve's server with a token on every request and one editor per tab."""

    def __init__(self, argv: Sequence[str], *, host: str, title: str, token: str) -> None:
        super().__init__(" ".join(argv), host=host, port=0, title=title)
        self.argv = list(argv)
        self.token = token
        self.cookie = "achbench-token"
        """The cookie's name; ``listen`` adds the port, as cookies ignore ports."""
        self.tabs: set[EditorProcess] = set()

    # -- the guard -------------------------------------------------------------------------

    def allowed(self, request: web.Request) -> bool:
        """Whether the request carries the token, in the URL or in the page's cookie."""
        given = request.query.get("token") or request.cookies.get(self.cookie) or ""
        return secrets.compare_digest(given.encode(), self.token.encode())

    @web.middleware
    async def guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not self.allowed(request):
            raise web.HTTPForbidden(
                text="403: this achbench editor needs the address printed when it was "
                "started (with ?token=...)\n"
            )
        origin = request.headers.get("Origin")
        if request.path == "/ws" and origin not in (None, f"http://{request.host}"):
            raise web.HTTPForbidden(text="403: the editor's websocket is for its own page only\n")
        response = await handler(request)
        if not response.prepared:
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Cache-Control"] = "no-store"
        return response

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    # -- the page and the websocket --------------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.Response:
        page = _PAGE.format(
            title=html.escape(self.title),
            websocket=html.escape(f"ws://{request.host}/ws"),
            font_size=to_int(request.query.get("fontsize", "16"), 16),
        )
        response = web.Response(text=page, content_type="text/html")
        if request.query.get("token"):
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict", path="/")
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await websocket.prepare(request)

        async def close() -> None:
            await websocket.close()

        tab = EditorProcess(
            self.argv,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            server=self,
        )
        self.tabs.add(tab)
        try:
            await tab.start(width, height)
            print(f"tab opened: editor {tab.pid}", file=sys.stderr, flush=True)
            await self._process_messages(websocket, tab)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # a broken tab must not take the server down
            logging.getLogger("achbench.serve").warning("tab failed: %s", error)
        finally:
            await tab.stop()
            self.tabs.discard(tab)
            print(f"tab closed: editor {tab.pid} stopped", file=sys.stderr, flush=True)
            if not websocket.closed:
                await websocket.close()
        return websocket

    async def on_startup(self, app: web.Application) -> None:
        """Nothing to print here: ``achbench serve`` prints the address itself."""

    async def on_shutdown(self, app: web.Application) -> None:
        """The server is stopping: hang up every editor, so each keeps its unsaved work."""
        await asyncio.gather(*(tab.stop() for tab in list(self.tabs)), return_exceptions=True)

    # -- running ---------------------------------------------------------------------------

    def listen(self, port: int) -> socket.socket:
        """A listening socket on the server's host (port 0: any free port)."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.create_server((self.host, port), family=family)
        self.port = sock.getsockname()[1]
        self.cookie = f"achbench-token-{self.port}"
        self.public_url = f"http://{url_host(self.host)}:{self.port}"
        return sock

    def run(self, sock: socket.socket) -> None:
        """Serve until Ctrl+C or SIGTERM."""
        logging.basicConfig(level=logging.WARNING, format="achbench serve: %(message)s")
        web.run_app(self._make_app(), sock=sock, print=None, handle_signals=True, access_log=None)


def served_argv(file: Path | None, options: Sequence[str]) -> list[str]:
    """The command each tab runs: this Python's ``achbench edit``."""
    argv = [sys.executable, "-m", "achbench", "edit"]
    if file is not None:
        argv.append(str(file.resolve()))
    return [*argv, *options]
