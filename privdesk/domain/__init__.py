"""Plain-Python domain layer: codes, rules, calendars and checks (no Qt, no database)."""

from privdesk.domain.rules import Deadlines, Rulebook, load_rulebook

__all__ = ["Deadlines", "Rulebook", "load_rulebook"]
