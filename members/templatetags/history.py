"""How the history shows a change reason in the reader's language.

Reasons are stored in one language-neutral form, because code reads them back ("import #12" is
how a batch finds its history rows): fixed ones as English msgids (gettext_noop in admin.py),
the numbered ones below as patterns. The stored text never changes; only its display does.
"""

import re

from django import template
from django.utils.translation import gettext

register = template.Library()

_NUMBERED = [
    # (stored form, how it is shown); the manager's own words after ": " are shown as given.
    (re.compile(r"import #(?P<n>\d+)"), lambda: gettext("import #%(n)s")),
    (re.compile(r"revert of import #(?P<n>\d+)"), lambda: gettext("revert of import #%(n)s")),
    (
        re.compile(r"revert to version #(?P<n>\d+)(?:: (?P<reason>.*))?", re.S),
        lambda: gettext("revert to version #%(n)s"),
    ),
]


@register.filter
def change_reason(reason):
    """'revert to version #12: wrong phone' → 'revenire la versiunea nr. 12: wrong phone'."""
    if not reason:
        return ""
    for pattern, shown in _NUMBERED:
        match = pattern.fullmatch(reason)
        if match:
            text = shown() % {"n": match["n"]}
            extra = match.groupdict().get("reason")
            return f"{text}: {extra}" if extra else text
    return gettext(reason)
