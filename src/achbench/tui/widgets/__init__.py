"""Widgets of the editor, one module per thing shown."""
