"""Synthetic members for benchmarks: `generate_members(count)` and `delete_synthetic_members()`.

Rows are marked `is_synthetic=True` and published, and are kept apart from the 144 demo members:
their names carry a serial number ("Ionescu Robotică 4521 SRL"), so they never clash with a demo
name. The distributions follow the real cluster: categories in the ratio 100:22:13:9, 1–5
competences each drawn with Zipf-like popularity (a few competences are very common, most are
rare), localities mostly in Bucharest's sectors, descriptions of 300–400 characters in Romanian
and English (written by the demo data's sentence builder).

Speed: 100,000 members must load in under two minutes on PostgreSQL, so rows are built in memory
and written in batches of 2,000 (no `save()`, no signals, no history rows); the search text is
computed with `Member.search_text_with`, the same definition `save()` uses. On PostgreSQL a
batch's links go in first as two arrays of ids, then its members with COPY; from 10,000 members
on, the two full-text (GIN) indexes are built after the rows instead of row by row, which locks
the members until the load commits (`_full_text_indexes_built_after`). On the 2026-11-28 machine
99,856 members took 57–61 s (85–88 s before these three changes and migration 0011): about 31 s
of member inserts (13 s of it the triggers of migrations 0006–0008, most of that `to_tsvector`
for the search copy; the rest the rows, their 13 b-tree indexes and Python), 15 s building the
GIN indexes (half of it `to_tsvector` again, for members_search_fts), 3 s of deferred foreign
key checks and 3 s of links, while a helper thread draws the members (about 15 s of Python,
overlapped).
"""

import concurrent.futures
import contextlib
import io
import itertools
import random
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from . import cache
from .demo_data import (
    ENTERPRISE_TRADES,
    FIRST_MEMBER_SINCE,
    LAST_MEMBER_SINCE,
    POPULARITY,
    SURNAMES,
    _founded,
    _random_date,
    _size,
    _texts,
)
from .models import Competence, ContactPerson, Locality, Member
from .reference_data import BUCHAREST_SECTORS, ILFOV_COMMUNES, ILFOV_TOWNS, locality_slug
from .text import fold, name_key

# The cluster's composition: 100 enterprises for every 22 catalyzers, 13 R&D entities, 9 authorities.
CATEGORY_RATIO = {"enterprise": 100, "catalyzer": 22, "rd": 13, "public-authority": 9}
BATCH_SIZE = 2000
# From this many members on, the full-text indexes are built after the load, not row by row
# (PostgreSQL; see _full_text_indexes_built_after): the site's reads wait for such a load.
REBUILD_INDEXES_FROM = 10_000
# The GIN indexes of migrations 0006 (admin search) and 0007 (the search copy, public search).
FULL_TEXT_INDEXES = ("members_search_fts", "members_searchfacts_document")
# Share of members in one of Bucharest's six sectors; the rest are spread over Ilfov.
BUCHAREST_SHARE = 0.8

NAME_PATTERNS = {
    "enterprise": [
        "{surname} {trade} {n} SRL",
        "{surname} {trade} {n} SA",
        "Atelierul de {trade} {surname} {n}",
    ],
    "catalyzer": [
        "Asociația {trade} {surname} {n}",
        "Fundația „{surname}” {n}",
        "Hubul de Inovare {trade} {n}",
    ],
    "rd": [
        "Institutul de Cercetări {trade} {n}",
        "Centrul de Cercetare {surname} {n}",
        "Laboratorul {trade} {n}",
    ],
    "public-authority": ["Agenția Locală pentru {trade} {n}", "Serviciul Public de Inovare {surname} {n}"],
}


def category_counts(count):
    """`count` split in the 100:22:13:9 ratio, rounding by largest remainder so they add up."""
    total = sum(CATEGORY_RATIO.values())
    exact = {category: count * weight / total for category, weight in CATEGORY_RATIO.items()}
    counts = {category: int(value) for category, value in exact.items()}
    by_remainder = sorted(exact, key=lambda category: exact[category] - counts[category], reverse=True)
    for category in by_remainder[: count - sum(counts.values())]:
        counts[category] += 1
    return counts


class _Sampler:
    """Draws the random parts of a member; everything comes from one seeded `random.Random`."""

    def __init__(self, rng, competences, localities):
        self.rng = rng
        # Rank competences by the demo data's popularity, then weight rank r by 1/r (Zipf, s=1).
        rank = {slug: i for i, slug in enumerate(sorted(POPULARITY, key=POPULARITY.get, reverse=True))}
        self.competences = sorted(competences, key=lambda c: (rank.get(c.slug, len(rank)), c.slug))
        self.competence_weights = list(
            itertools.accumulate(1 / (i + 1) for i in range(len(self.competences)))
        )
        self.competence_names = {c.slug: (c.name_ro, c.name_en) for c in self.competences}
        self.trades_for = {}
        for trade, focus in ENTERPRISE_TRADES:
            for slug in focus:
                self.trades_for.setdefault(slug, []).append(trade)
        by_slug = {locality.slug: locality for locality in localities}
        self.sectors = [by_slug[locality_slug(name)] for name, _lat, _lon in BUCHAREST_SECTORS]
        ilfov = ILFOV_TOWNS + ILFOV_COMMUNES
        self.ilfov = [by_slug[locality_slug(name)] for name, _lat, _lon in ilfov]
        # Towns are likelier homes for an organisation than communes.
        self.ilfov_weights = list(itertools.accumulate([3] * len(ILFOV_TOWNS) + [1] * len(ILFOV_COMMUNES)))

    def competences_for(self):
        wanted = self.rng.choices([1, 2, 3, 4, 5], weights=[20, 30, 25, 15, 10])[0]
        chosen = []
        while len(chosen) < wanted:
            competence = self.rng.choices(self.competences, cum_weights=self.competence_weights)[0]
            if competence not in chosen:
                chosen.append(competence)
        return chosen

    def locality(self):
        if self.rng.random() < BUCHAREST_SHARE:
            return self.rng.choice(self.sectors)
        return self.rng.choices(self.ilfov, cum_weights=self.ilfov_weights)[0]

    def name(self, category, number, first_competence):
        trades = self.trades_for.get(first_competence.slug) or [trade for trade, _focus in ENTERPRISE_TRADES]
        pattern = self.rng.choice(NAME_PATTERNS[category])
        return pattern.format(surname=self.rng.choice(SURNAMES), trade=self.rng.choice(trades), n=number)

    def member(self, category, number):
        """An unsaved Member and its competences."""
        rng = self.rng
        competences = self.competences_for()
        locality = self.locality()
        size = _size(rng, category) if category != "enterprise" else self._enterprise_size()
        founded = _founded(rng, category, size)
        since = _random_date(rng, max(FIRST_MEMBER_SINCE, date(founded + 1, 1, 1)), LAST_MEMBER_SINCE)
        name = self.name(category, number, competences[0])
        spec = {
            "name": name,
            "category": category,
            "locality": locality.slug,
            "size": size,
            "founded": founded,
            "competences": [c.slug for c in competences],
            "offers_subcontracting": category == "enterprise" and rng.random() < 0.4,
            "seeks_partners": rng.random() < 0.5,
        }
        member = Member(
            name=name,
            name_key=name_key(name),
            slug=slugify(fold(name))[:200],
            category=category,
            size=size,
            founded=founded,
            member_since=since,
            offers_subcontracting=spec["offers_subcontracting"],
            seeks_partners=spec["seeks_partners"],
            locality=locality,
            is_published=True,
            is_synthetic=True,
            **_texts(rng, spec, self.competence_names),
        )
        # In the order `member.competences.all()` gives, so the text equals what save() would store.
        member.search_text = member.search_text_with(sorted(competences, key=lambda c: c.name_en))
        return member, competences

    def _enterprise_size(self):
        return self.rng.choices(["micro", "small", "medium", "large"], weights=[45, 35, 15, 5])[0]


def _plan_categories(rng, count):
    categories = [c for c, n in category_counts(count).items() for _ in range(n)]
    rng.shuffle(categories)
    return categories


@transaction.atomic
def generate_members(count, seed=1, batch_size=BATCH_SIZE, rebuild_indexes_from=REBUILD_INDEXES_FROM):
    """Add `count` synthetic, published members; returns how many were created.

    Deterministic for a given seed and starting state. Serial numbers continue after the synthetic
    members already present, so running it twice adds more rather than failing on names.
    From `rebuild_indexes_from` members on, PostgreSQL's full-text indexes are built after the
    rows instead of as they arrive (`_full_text_indexes_built_after`).
    """
    with _full_text_indexes_built_after(count >= rebuild_indexes_from):
        rng = random.Random(seed)
        sampler = _Sampler(rng, Competence.objects.all(), Locality.objects.all())
        first_number = Member.objects.filter(is_synthetic=True).count() + 1
        categories = _plan_categories(rng, count)
        _insert(sampler, categories, first_number, batch_size)
    # bulk_create sends no signals: tell cached pages that the directory changed.
    cache.bump_version()
    return count


@contextlib.contextmanager
def _full_text_indexes_built_after(rebuild):
    """On PostgreSQL (if `rebuild`): drop the full-text indexes, let the load run, create them again.

    Adding 100,000 members' words to the two GIN indexes batch by batch cost about 23 s of a load;
    building them once over the loaded tables costs about 16 s (two thirds of it `to_tsvector`).
    Each index is created again from its definition as PostgreSQL reports it (`pg_indexes`), so it
    is the index the migrations made, and a failed load rolls the DROP back with the rows.
    The price: DROP INDEX locks the members and their search copy (ACCESS EXCLUSIVE) until the load
    commits, so every page of the site that reads members waits for the load meanwhile (and fails
    after the statement timeout, DB_STATEMENT_TIMEOUT_MS), which is why only big loads (a
    benchmark's set-up, before anyone browses) do it. And PostgreSQL may use a rebuilt index only
    in transactions that begin once every transaction older than the load has ended
    (pg_index.indcheckxmin): at once for the site's short requests.
    """
    if not rebuild or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE schemaname = current_schema() AND indexname = ANY(%s) ORDER BY indexname",
            [list(FULL_TEXT_INDEXES)],
        )
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    # The deferred foreign key checks, due at the commit, run now (and later ones are deferred
    # again): PostgreSQL builds no index on a table with checks pending.
    connection.check_constraints()
    with connection.cursor() as cursor:
        # Building an index over 100,000 members outlasts the request timeout; LOCAL: this
        # transaction only.
        cursor.execute("SET LOCAL statement_timeout = 0")
        for _name, definition in definitions:
            cursor.execute(definition)


def _insert(sampler, categories, first_number, batch_size):
    """Write the members batch by batch; a helper thread draws batch n+1 while batch n is written.

    Drawing (text building, folding) is pure Python and writing mostly waits on PostgreSQL, so
    the two overlap on a 2-core machine. One thread draws every batch in order: still deterministic.
    """
    through = Member.competences.through
    # On PostgreSQL a batch's links go in before its members, so each trigger of migrations
    # 0006–0008 writes a member's rows once, from the member insert (the link inserts find no
    # member yet and change nothing), instead of the member insert writing its search copy row
    # without competences and the link insert rewriting it. The foreign keys are deferred to the
    # commit, and the members' ids are reserved from their sequence to write the links first.
    links_first = connection.vendor == "postgresql"

    def draw(start):
        chunk = categories[start : start + batch_size]
        return [sampler.member(category, first_number + start + i) for i, category in enumerate(chunk)]

    def write_links(drawn):
        pairs = [(member.pk, competence.pk) for member, competences in drawn for competence in competences]
        if links_first:
            # Two arrays of ids rather than 5,000 model instances (bulk_create's cost, in Python).
            member_ids, competence_ids = zip(*pairs, strict=True)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {through._meta.db_table} (member_id, competence_id)"  # noqa: S608
                    " SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
                    [list(member_ids), list(competence_ids)],
                )
        else:
            through.objects.bulk_create(through(member_id=m, competence_id=c) for m, c in pairs)

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as drawer:
        upcoming = drawer.submit(draw, 0)
        for start in range(0, len(categories), batch_size):
            drawn = upcoming.result()
            if start + batch_size < len(categories):
                upcoming = drawer.submit(draw, start + batch_size)
            members = [member for member, _competences in drawn]
            if links_first:
                for member, pk in zip(members, _reserve_ids(len(members)), strict=True):
                    member.pk = pk
                write_links(drawn)
                _copy_members(members)
            else:
                # SQLite ≥ 3.35 returns the new primary keys, needed for the links.
                Member.objects.bulk_create(members)
                write_links(drawn)


def _copy_members(members):
    """Write `members` (ids set) with one COPY (PostgreSQL): what bulk_create would store.

    bulk_create spent about 10 s of a 100,000-member load in Python preparing each value of each
    field and quoting them into its INSERT, while PostgreSQL waited; COPY takes the values as text.
    """
    fields = Member._meta.concrete_fields
    now = timezone.now()
    lines = []
    for member in members:
        member.created_at = member.updated_at = now  # auto_now_add, auto_now
        lines.append("\t".join(_copy_text(getattr(member, field.attname)) for field in fields) + "\n")
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {Member._meta.db_table} ({columns}) FROM STDIN", io.StringIO("".join(lines))
        )


def _copy_text(value):
    """`value` as a field of COPY's text format: NULL is \\N; backslash, tab and line ends escaped."""
    if value is None:
        return "\\N"
    text = str(value)  # a date, a bool (True), a number, a FieldFile (its name) as PostgreSQL reads them
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _reserve_ids(count):
    """`count` new member ids from the member id sequence (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Member._meta.db_table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


@transaction.atomic
def delete_synthetic_members():
    """Remove every synthetic member (and its competence links); demo and real members stay.

    Plain DELETE statements: `QuerySet.delete()` would load 100,000 members into Python to send
    their post_delete signals, which only bump the cache version (done once here instead).
    """
    synthetic = Member.objects.filter(is_synthetic=True)
    Member.competences.through.objects.filter(member__in=synthetic).delete()
    ContactPerson.objects.filter(member__in=synthetic).delete()
    deleted = synthetic.count()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Member._meta.db_table} WHERE is_synthetic = %s", [True])  # noqa: S608
    cache.bump_version()
    return deleted
