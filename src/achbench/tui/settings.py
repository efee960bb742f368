"""What the editor remembers per user: orientation, column width, scoring method.

An analyst who always reads the matrix transposed (Heuer's own layout), with
wide columns, under Bayes, should not set that up again each time.  The editor
writes these three choices whenever they change (``t``, ``<``/``>``, ``m``) to
``config.toml`` in the user's config folder (``platformdirs.user_config_dir``,
or ``$ACHBENCH_CONFIG_DIR`` if set: the tests point it at a temporary folder),
and reads them at start; ``--transpose``/``--no-transpose`` and ``--method``
on the command line win over the file.

The file is three plain keys::

    transpose = true
    column_width = 12
    method = "bayes"

A file that is not TOML, or holds a value of the wrong kind, is refused with a
message naming the file and the key (exit status 2), never silently ignored.
No Textual here: the command line reads it before the editor starts.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from achbench.core.errors import UsageError
from achbench.core.vocabulary import METHODS

CONFIG_ENV: Final = "ACHBENCH_CONFIG_DIR"
"""Environment variable naming the folder of ``config.toml`` instead of the platform's."""
COLUMN_WIDTH: Final = 10
"""Default width of a grid column in cells (nine for the text, one for the gap)."""
MIN_COLUMN_WIDTH: Final = 7
"""Narrowest column: three header lines of six cells still show 16 characters of a title."""
MAX_COLUMN_WIDTH: Final = 40


@dataclass(frozen=True, slots=True)
class Settings:
    """The editor's remembered view choices."""

    transpose: bool = False
    """Evidence down the side, hypotheses across (Heuer's layout)."""
    column_width: int = COLUMN_WIDTH
    """Width of a grid column in cells, the gap included."""
    method: str = "heuer"
    """Scoring method (one of ``METHODS``)."""

    def overridden(self, *, transpose: bool | None, method: str | None) -> Settings:
        """These settings with the command line's choices (None: not given) on top."""
        out = self
        if transpose is not None:
            out = replace(out, transpose=transpose)
        if method is not None:
            out = replace(out, method=method)
        return out

    def toml(self) -> str:
        return (
            f"transpose = {'true' if self.transpose else 'false'}\n"
            f"column_width = {self.column_width}\n"
            f'method = "{self.method}"\n'
        )


def clamp_width(width: int) -> int:
    return max(MIN_COLUMN_WIDTH, min(MAX_COLUMN_WIDTH, width))


def config_path() -> Path:
    """Where the settings live: ``$ACHBENCH_CONFIG_DIR/config.toml`` or the platform's."""
    folder = os.environ.get(CONFIG_ENV)
    if not folder:
        from platformdirs import user_config_dir

        folder = user_config_dir("achbench")
    return Path(folder) / "config.toml"


def load(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default ``config_path()``); defaults if there is no file.

    Raises ``UsageError`` naming the file and the key for a file that is not
    TOML, an unknown key or a value of the wrong kind.
    """
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the editor's settings: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not TOML: {exc}") from None
    settings = Settings()
    for key, value in data.items():
        if key == "transpose" and isinstance(value, bool):
            settings = replace(settings, transpose=value)
        elif key == "column_width" and isinstance(value, int) and not isinstance(value, bool):
            if clamp_width(value) != value:
                raise UsageError(
                    f"{path}: column_width = {value}: give a width from "
                    f"{MIN_COLUMN_WIDTH} to {MAX_COLUMN_WIDTH}"
                )
            settings = replace(settings, column_width=value)
        elif key == "method" and isinstance(value, str):
            if value not in METHODS:
                raise UsageError(f"{path}: method = {value!r}: one of {', '.join(METHODS)}")
            settings = replace(settings, method=value)
        elif key in ("transpose", "column_width", "method"):
            kind = {"transpose": "true or false", "column_width": "a whole number"}
            raise UsageError(f"{path}: {key} = {value!r}: must be {kind.get(key, 'a string')}")
        else:
            raise UsageError(
                f"{path}: unknown setting {key!r} (known: transpose, column_width, method)"
            )
    return settings


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` atomically to ``path`` (default ``config_path()``), making its folder.

    Raises ``OSError`` or ``SaveError`` if it cannot be written; the editor says
    so and carries on.
    """
    from achbench.store.atomic import write_atomic

    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, settings.toml().encode("utf-8"))
    return path
