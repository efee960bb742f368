"""achbench: a workbench for Analysis of Competing Hypotheses.

The package top holds the headless core (model, store, scoring, analyses); the
terminal editor lives in ``achbench.tui`` and is the only part that imports Textual.
"""

__version__ = "0.1.0"
