"""The Romanian catalogue is complete and correct, and the language plumbing works."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ro" / "LC_MESSAGES" / "django.po"
CEDILLA = {"\u015f": "ş", "\u015e": "Ş", "\u0163": "ţ", "\u0162": "Ţ"}


def romanian_messages():
    with CATALOGUE.open("rb") as po_file:
        catalog = read_po(po_file)
    return [message for message in catalog if message.id]


def test_the_romanian_catalogue_has_no_untranslated_message():
    untranslated = [
        message.id
        for message in romanian_messages()
        if not (all(message.string) if isinstance(message.string, tuple) else message.string)
    ]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:10]}"


def test_the_romanian_catalogue_has_no_fuzzy_message():
    fuzzy = [message.id for message in romanian_messages() if message.fuzzy]
    assert fuzzy == []


def test_the_romanian_catalogue_uses_comma_below_never_cedilla():
    def text(message):
        return " ".join(message.string) if isinstance(message.string, tuple) else message.string

    with_cedilla = [text(m) for m in romanian_messages() if any(ch in text(m) for ch in CEDILLA)]
    assert with_cedilla == []


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 membru"), (2, "2 membri"), (19, "19 membri"), (20, "20 de membri"), (101, "101 membri")],
)
def test_romanian_plurals_follow_romanian_grammar(count, expected):
    # The directory's result count (templates/members/directory.html) is this message.
    with translation.override("ro"):
        text = translation.ngettext("%(shown)s member", "%(shown)s members", count) % {"shown": count}
    assert text == expected
