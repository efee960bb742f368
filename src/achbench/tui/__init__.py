"""The terminal editor: the only part of achbench that imports Textual.

``make_app`` in ``achbench.tui.app`` builds it, for the command line and the tests.
"""
