"""Cursor (keyset) pagination for the API's lists.

A page ends with the sort keys of its last row; the next page is the rows that come after those
keys in the same order (`WHERE (k1, k2) > (v1, v2)`, spelled out so it also holds for descending
keys and NULLS LAST). Unlike an offset, a cursor never skips or repeats a row when members are
added or removed between two requests, and the database seeks straight to it.

The cursor is signed (django.core.signing) together with the order it was made for: a cursor that
was tampered with, or that belongs to another sort, is refused with a 400 instead of being
compared with columns of another type.
"""

import datetime

from django.core import signing
from django.db.models import F, OrderBy, Q

SALT = "api.cursor"


class BadCursor(ValueError):
    """The cursor was not made by this API for this order."""


def sort_keys(ordering):
    """[(expression, descending, nulls_last)] of an `order_by()` tuple (names, F().desc(), Case)."""
    keys = []
    for item in ordering:
        if isinstance(item, str):
            keys.append((F(item.lstrip("-")), item.startswith("-"), False))
        elif isinstance(item, OrderBy):
            keys.append((item.expression, item.descending, bool(item.nulls_last)))
        else:  # an expression ordered ascending (the search's "name matches first" rank)
            keys.append((item, False, False))
    return keys


def _after(names, keys, values):
    """Rows after `values` in the order of `keys`, on the annotations `names`."""
    condition = Q(pk__in=[])  # nothing: the OR below adds what may follow
    equal = Q()
    for name, (_expression, descending, nulls_last), value in zip(names, keys, values, strict=True):
        if value is None:  # NULLS LAST: only rows equal so far with a NULL here may follow
            beyond = Q(pk__in=[])
            same = Q(**{f"{name}__isnull": True})
        else:
            beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            if nulls_last:
                beyond |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        condition |= equal & beyond
        equal &= same
    return condition


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def paginate(queryset, ordering, cursor, limit, order_name):
    """(rows of `queryset` after `cursor` in `ordering`, at most `limit`; the next page's cursor
    or None). `order_name` names the order, so a cursor is only accepted for the order it was
    made for. Rows are the queryset's objects, in order: one query."""
    keys = sort_keys(ordering)
    names = [f"cursor_key_{index}" for index in range(len(keys))]
    queryset = queryset.annotate(**{n: k[0] for n, k in zip(names, keys, strict=True)})
    queryset = queryset.order_by(*ordering)
    if cursor:
        try:
            payload = signing.loads(cursor, salt=SALT)
        except signing.BadSignature as error:
            raise BadCursor("This cursor is not one this API made.") from error
        if not isinstance(payload, dict) or payload.get("order") != order_name:
            raise BadCursor("This cursor belongs to another sort or filter.")
        values = payload.get("after")
        if not isinstance(values, list) or len(values) != len(keys):
            raise BadCursor("This cursor is not one this API made.")
        queryset = queryset.filter(_after(names, keys, values))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = [_plain(getattr(rows[-1], name)) for name in names]
    return rows, signing.dumps({"order": order_name, "after": last}, salt=SALT, compress=True)
