"""Screens of the editor: the main grid, help, forms and dialogs."""
