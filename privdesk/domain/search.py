"""Text for the case search: one folded form for what is stored and what is asked, on every engine.

A case's searchable text (reference, consumer's names and emails, agent, subject, summary, notes) is kept
as a string of tokens: lower case, accents removed, split on everything that is not a letter or a digit,
joined by single spaces with a space at each end. A query is split the same way; each word of the query
must be the start of a token of the case ("mar" finds "María"), and a word holding punctuation must match
the tokens in order ("PD-2026-0001" finds the tokens "pd 2026 0001…"). SQLite answers that with FTS5
prefix phrases, PostgreSQL with LIKE patterns that a trigram index serves: the same meaning on both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_TOKEN = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 8


# Letters with a stroke or ligature do not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ŧ": "t", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)


def fold(text: str) -> str:
    """Lower case without accents: "María Núñez" -> "maria nunez", "Søren" -> "soren"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def search_body(parts: Iterable[str | None]) -> str:
    """The stored form: tokens of every part, space-separated, with a space at both ends."""
    found = [token for part in parts if part for token in tokens(part)]
    return " " + " ".join(found) + " " if found else " "


def query_phrases(query: str) -> list[tuple[str, ...]]:
    """Each word of the query as the tokens it holds; words without letters or digits are dropped."""
    phrases: list[tuple[str, ...]] = []
    for word in query.split():
        phrase = tuple(tokens(word))
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return phrases[:MAX_QUERY_WORDS]


def fts5_query(phrases: Sequence[tuple[str, ...]]) -> str:
    """FTS5 MATCH text: every phrase must occur, its last token as a prefix. Tokens hold no quotes."""
    return " AND ".join('"' + " ".join(phrase) + '" *' for phrase in phrases)


def like_patterns(phrases: Sequence[tuple[str, ...]]) -> list[str]:
    """LIKE patterns over the stored form: a space before the phrase anchors it at a token start.

    Tokens hold only letters and digits, so no LIKE wildcard can come from the officer's text.
    """
    return ["% " + " ".join(phrase) + "%" for phrase in phrases]


def case_search_body(
    *,
    reference: str,
    consumer_name: str | None,
    consumer_email: str | None,
    other_identifiers: Sequence[str] = (),
    agent_name: str | None = None,
    subject: str | None = None,
    summary: str | None = None,
    notes: Sequence[str] = (),
) -> str:
    """The stored form for one case (the migration's backfill and the services use this one recipe)."""
    return search_body(
        [reference, consumer_name, consumer_email, *other_identifiers, agent_name, subject, summary, *notes]
    )
