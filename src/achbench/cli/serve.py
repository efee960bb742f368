"""``achbench serve``: the matrix editor in a web browser, for machines where a browser
is the only window.

The work is in ``achbench.cli.webserver`` (textual-serve with a token); this
module is the command: check the file, choose the address, print it, serve.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click

from achbench.cli.app import main, reports_errors
from achbench.cli.options import method_option
from achbench.core.errors import UsageError


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port to listen on; 0 takes any free port (the address printed says which).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but this machine (127.0.0.1, ::1, localhost) "
    "lets others on the network reach the editor with the printed address: a warning "
    "is printed.",
)
@click.option(
    "--analyst", "-a", metavar="NAME", help="Edit this analyst's ratings (default: the file's)."
)
@method_option
@reports_errors
def serve(file: Path | None, port: int, host: str, analyst: str | None, method: str) -> None:
    """Serve the matrix editor on FILE (the bundled example if no FILE) to a web browser.

    Prints an address with a random token; open it in a browser on this
    machine. Requests without the token are refused (403). Each browser tab
    runs its own editor, exactly the terminal one: keys, saving (ctrl+s) and
    the question when the file changed on disk (from another tab or a
    terminal editor) are the same. Closing a tab with unsaved changes keeps
    them in .NAME.recover.toml beside FILE, as a terminal editor does when its
    window closes; the next editor offers to restore them. Ctrl+C stops the
    server and every editor.

    \b
    Examples:
      achbench serve matrices/kazakhstan-2022.toml
      achbench serve m.toml --port 8765
      ssh -L 8765:127.0.0.1:8765 analyst@server achbench serve m.toml --port 8765
    """
    from achbench.cli.webserver import EditorServer, is_loopback, served_argv, url_host

    if file is not None:
        from achbench.store.toml import load_data

        load_data(file)  # a file that does not load is reported now, not in each tab
    options = ["--method", method, *(["--analyst", analyst] if analyst else [])]
    token = secrets.token_urlsafe(24)
    title = f"{file.name if file else 'example'} - achbench"
    server = EditorServer(served_argv(file, options), host=host, title=title, token=token)
    try:
        sock = server.listen(port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None
    if not is_loopback(host):
        click.echo(
            f"warning: listening on {host}, not only this machine: anyone who can reach it "
            "and has the address below can edit the matrix, and plain HTTP carries the "
            "token unencrypted. Prefer the default and an SSH tunnel.",
            err=True,
        )
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else url_host(host)
    click.echo(f"achbench serve: editing {file or 'the bundled example'} in the browser")
    click.echo(f"open http://{shown}:{server.port}/?token={token}")
    click.echo("(each tab runs its own editor; Ctrl+C stops the server and every editor)")
    sys.stdout.flush()
    server.run(sock)
