"""Text normalisation shared by search, name matching and the importer.

Romanian text arrives in several spellings of the same word: with or without diacritics, with
the correct comma-below ș/ț (U+0219, U+021B) or the legacy cedilla ş/ţ (U+015F, U+0163), in any
case. `fold` maps all of them to one plain lower-case form so that "Știință", "ştiinţă" and
"stiinta" compare equal, on SQLite and PostgreSQL alike.
"""

import re
import unicodedata

# A word is a run of letters and digits; everything else (punctuation, "_", "-") separates words.
_WORD = re.compile(r"[^\W_]+")


def fold(text):
    """Lower-case, strip diacritics (ș ş ț ţ ă â î …) and collapse white space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    # The combining marks are looked up once per distinct character, not once per character.
    for mark in {ch for ch in set(decomposed) if unicodedata.combining(ch)}:
        decomposed = decomposed.replace(mark, "")
    return " ".join(decomposed.casefold().split())


def words(text):
    """The folded words of `text`, each once, in order: 'CNC-frezare, CNC' → ['cnc', 'frezare']."""
    return list(dict.fromkeys(_WORD.findall(fold(text))))


def search_words(query, max_words=8, max_length=100):
    """The words of a search query, bounded so a huge query cannot become a huge SQL statement."""
    return words((query or "").replace("\x00", "")[:max_length])[:max_words]


def name_key(name):
    """The comparison and sorting key of a name: its words, case, accents and punctuation aside."""
    return " ".join(words(name))
