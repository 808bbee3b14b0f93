"""Widgets shared by several pages and dialogs."""
