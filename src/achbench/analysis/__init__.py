"""Analysis beyond the score: Heuer's steps 4, 6, 7 and 8 as pure functions.

* ``sensitivity``: how far the ranking rests on single items, ratings and weights;
* ``consensus``: several analysts' ratings compared, cell by cell and as a whole;
* ``milestones``: the indicators to watch, and warnings when one tells against
  the leading hypothesis.

Every function here reads validated matrix data or a ``scoring.Grid`` and returns
plain dataclasses: no I/O, no terminal, so the command line, the report and the
editor all share them.
"""
