"""Text normalisation shared by search, name matching and the importer.

Romanian text arrives in several spellings of the same word: with or without diacritics, with
the correct comma-below ș/ț (U+0219, U+021B) or the legacy cedilla ş/ţ (U+015F, U+0163), in any
case. `fold` maps all of them to one plain lower-case form so that "Știință", "ştiinţă" and
"stiinta" compare equal, on SQLite and PostgreSQL alike.
"""

import re
import unicodedata

# The legacy cedilla letters (U+015E, U+015F, U+0162, U+0163) and the comma-below ones Romanian
# is written with (U+0218, U+0219, U+021A, U+021B).
_COMMA_BELOW = str.maketrans("\u015e\u015f\u0162\u0163", "\u0218\u0219\u021a\u021b")
CEDILLA_LETTERS = "\u015e\u015f\u0162\u0163"

# A word is a run of letters and digits; everything else (punctuation, "_", "-") separates words.
_WORD = re.compile(r"[^\W_]+")


def comma_below(text):
    """'Ştiinţa' → 'Știința': the text as stored, with ș ț Ș Ț (comma below) for the cedilla
    forms that old keyboards and Windows-1250 files produce, in composed (NFC) form.

    Every text field of the app goes through it before saving (members.models.CommaBelowText),
    and the importer reads every cell through it, so a file never differs from the stored text
    by these letters alone.
    """
    if not text or not isinstance(text, str):
        return text
    return unicodedata.normalize("NFC", text).translate(_COMMA_BELOW)


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
