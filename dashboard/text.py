"""Finding a quote in the gazette text and the sentences around it."""

from __future__ import annotations

import re

CONTEXT_CHARS = 160


def quote_in_context(gazette_text: str, quote: str) -> tuple[str, str, str]:
    """(text before, the quote, text after), cut at sentence ends about CONTEXT_CHARS away.

    Line breaks in the gazette are page layout, so they are removed first, as the catalogue
    loader does when it checks the quote."""
    text = re.sub(r"\s*\n\s*", "", gazette_text)
    start = text.find(quote)
    if start < 0:
        return "", quote, ""
    end = start + len(quote)
    before = text[max(0, start - CONTEXT_CHARS):start]
    after = text[end:end + CONTEXT_CHARS]
    sentence_start = max(before.rfind("。"), before.rfind("；"))
    before = before[sentence_start + 1:] if sentence_start >= 0 else "…" + before
    sentence_end = after.find("。")
    after = after[:sentence_end + 1] if sentence_end >= 0 else after + "…"
    return before, quote, after
