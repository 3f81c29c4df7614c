"""Text normalisation shared by search, name matching and the importer.

Romanian text arrives in several spellings of the same word: with or without diacritics, with
the correct comma-below ș/ț (U+0219, U+021B) or the legacy cedilla ş/ţ (U+015F, U+0163), in any
case. `fold` maps all of them to one plain lower-case form so that "Știință", "ştiinţă" and
"stiinta" compare equal, on SQLite and PostgreSQL alike.
"""

import re
import unicodedata

# Characters that never carry meaning in a search or a name comparison.
_PUNCTUATION = re.compile(r"[^\w\s@.+-]", re.UNICODE)


def fold(text):
    """Lower-case, strip diacritics (ș ş ț ţ ă â î …) and collapse white space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    # The combining marks are looked up once per distinct character, not once per character: a
    # member's search text (1,200 characters) has a few dozen distinct ones (generate_members).
    for mark in {ch for ch in set(decomposed) if unicodedata.combining(ch)}:
        decomposed = decomposed.replace(mark, "")
    # split() and strip() know the same white space as the regular expression \s.
    return " ".join(decomposed.casefold().split())


def search_words(query, max_words=8, max_length=100):
    """The folded words of a search query, bounded so a huge query cannot become a huge SQL."""
    folded = fold(_PUNCTUATION.sub(" ", (query or "").replace("\x00", "")[:max_length]))
    words = []
    for word in folded.split():
        if word not in words:
            words.append(word)
    return words[:max_words]


def name_key(name):
    """The comparison key of an organisation name: case-, space- and accent-insensitive."""
    return fold(name)
