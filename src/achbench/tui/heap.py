"""Keeping Python's cyclic collector from holding up a key on a large matrix.

A loaded 100 x 10,000 matrix and the editor around it are many thousands of
long-lived tables.  Python starts a full pass of its cyclic collector by itself
every so often as keys allocate, and one over that heap held the screen up for
80 to 150 ms at a random key (measured in a terminal).  So, for a large matrix:

* from the app's start until its first screen is drawn, the collector is
  paused (``pause``): the editor's startup makes many young objects, and each
  pass over the loaded heap it would trigger delays the first screen;
* once the first screen is drawn, everything alive is *frozen* (``gc.freeze``):
  left out of every later pass; reference counting still frees what is dropped,
  and the matrix holds no cycles;
* what keys allocate meanwhile is collected once the keys pause
  (``IDLE_SECONDS``), and what survives frozen in turn, so a pass during typing
  only meets what that burst of typing made;
* after a long pause (``FULL_IDLE_SECONDS``, half a minute nobody typed), the
  frozen heap is given back and collected in full once, so a cycle that became
  garbage after being frozen (a closed dialog) is still freed.

``stop`` gives everything back (a test process opens many editors).
"""

from __future__ import annotations

import gc
import time
from typing import Final

IDLE_SECONDS: Final = 1.0
"""Seconds without a key after which what the keys allocated is collected."""
FULL_IDLE_SECONDS: Final = 30.0
"""Seconds without a key after which the frozen heap is collected too (a full
pass over a 100 x 10,000 matrix takes 100 to 300 ms: only when nobody types)."""


class HeapKeeper:
    """Freezes the heap once loaded and collects only while keys pause."""

    def __init__(self) -> None:
        self.active = False
        self._paused = False
        self._last_input = time.monotonic()
        self._pending = False
        self._full_pending = False

    def pause(self) -> None:
        """The editor starts on a large matrix: no collection until ``start``."""
        if gc.isenabled():
            gc.disable()
            self._paused = True

    def _resume(self) -> None:
        if self._paused:
            gc.enable()
            self._paused = False

    def start(self) -> None:
        """The matrix is loaded and shown: freeze everything alive now (no pass
        first: it would cost a key typed at once as much as it saves)."""
        gc.freeze()
        self._resume()
        self.active = True

    def input(self) -> None:
        """A key or a click arrived: what it allocates is collected at the next pause."""
        self._last_input = time.monotonic()
        self._pending = True
        self._full_pending = True

    def tick(self) -> bool:
        """Called every fraction of a second: collect if keys have paused; True if it did."""
        if not self.active:
            return False
        idle = time.monotonic() - self._last_input
        if self._full_pending and idle >= FULL_IDLE_SECONDS:
            self._full_pending = self._pending = False
            gc.unfreeze()
        elif self._pending and idle >= IDLE_SECONDS:
            self._pending = False
        else:
            return False
        gc.collect()
        gc.freeze()
        return True

    def stop(self) -> None:
        """Give the frozen heap back to the collector."""
        self._resume()
        if self.active:
            gc.unfreeze()
            self.active = False
