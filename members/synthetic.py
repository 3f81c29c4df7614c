"""Synthetic members for benchmarks: `generate_members(count)` and `delete_synthetic_members()`.

Rows are marked `is_synthetic=True` and published, and are kept apart from the 144 demo members:
their names carry a serial number ("Ionescu Robotică 4521 SRL"), so they never clash with a demo
name. The distributions follow the real cluster: categories in the ratio 100:22:13:9, 1–5
competences each drawn with Zipf-like popularity (a few competences are very common, most are
rare), localities mostly in Bucharest's sectors, descriptions of 300–400 characters in Romanian
and English (written by the demo data's sentence builder).

Speed: 100,000 members must load in under two minutes on PostgreSQL, so rows are built in memory
and written in batches of 2,000 with bulk_create (no `save()`, no signals, no history rows); the
search text is computed with `Member.search_text_with`, the same definition `save()` uses. The
counting tables are left alone during the load and rebuilt once at its end (bench/README.md has
the timings). The load runs in one transaction: the site's counts wait for it to commit.
"""

import concurrent.futures
import itertools
import random
from datetime import date

from django.db import connection, transaction
from django.utils.text import slugify

from . import cache, counting
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
    draw_certifications,
)
from .importing import analyze
from .models import Certification, Competence, ContactPerson, Locality, Member
from .reference_data import BUCHAREST_SECTORS, ILFOV_COMMUNES, ILFOV_TOWNS, locality_slug
from .text import fold, name_key

# The cluster's composition: 100 enterprises for every 22 catalyzers, 13 R&D entities, 9 authorities.
CATEGORY_RATIO = {"enterprise": 100, "catalyzer": 22, "rd": 13, "public-authority": 9}
BATCH_SIZE = 2000
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
        held = {
            "competences": sorted(competences, key=lambda c: c.name_en),  # the order save() reads them in
            "certifications": [
                self.certifications[slug]
                for slug in draw_certifications(rng, category, size, spec["competences"])
            ],
        }
        member.search_text = member.search_text_with([row for rows in held.values() for row in rows])
        return member, held

    def _enterprise_size(self):
        return self.rng.choices(["micro", "small", "medium", "large"], weights=[45, 35, 15, 5])[0]


def _plan_categories(rng, count):
    categories = [c for c, n in category_counts(count).items() for _ in range(n)]
    rng.shuffle(categories)
    return categories


@transaction.atomic
def generate_members(count, seed=1, batch_size=BATCH_SIZE):
    """Add `count` synthetic, published members; returns how many were created.

    Deterministic for a given seed and starting state. Serial numbers continue after the synthetic
    members already present, so running it twice adds more rather than failing on names. The
    counting tables are rebuilt once at the end rather than row by row, and every table the load
    filled is ANALYZEd (members.counting.rebuild).
    """
    counting.defer()
    rng = random.Random(seed)
    sampler = _Sampler(rng, Competence.objects.all(), Locality.objects.all())
    sampler.certifications = {c.slug: c for c in Certification.objects.all()}
    first_number = Member.objects.filter(is_synthetic=True).count() + 1
    categories = _plan_categories(rng, count)
    _insert(sampler, categories, first_number, batch_size)
    _rebuild_and_analyze()
    # bulk_create sends no signals: tell cached pages that the directory changed.
    cache.bump_version()
    return count


def _insert(sampler, categories, first_number, batch_size):
    """Write the members batch by batch; a helper thread draws batch n+1 while batch n is written.

    Drawing (text building, folding) is pure Python and writing mostly waits on the database, so
    the two overlap on a 2-core machine. One thread draws every batch in order: still deterministic.
    """

    def draw(start):
        chunk = categories[start : start + batch_size]
        return [sampler.member(category, first_number + start + i) for i, category in enumerate(chunk)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as drawer:
        upcoming = drawer.submit(draw, 0)
        for start in range(0, len(categories), batch_size):
            drawn = upcoming.result()
            if start + batch_size < len(categories):
                upcoming = drawer.submit(draw, start + batch_size)
            # PostgreSQL and SQLite ≥ 3.35 return the new primary keys, needed for the links.
            Member.objects.bulk_create([member for member, _held in drawn])
            for field in ("competences", "certifications"):
                through = Member._meta.get_field(field).remote_field.through
                name = through._meta.get_field(
                    Member._meta.get_field(field).related_model._meta.model_name
                ).attname
                through.objects.bulk_create(
                    through(member_id=member.pk, **{name: row.pk})
                    for member, held in drawn
                    for row in held[field]
                )


def _rebuild_and_analyze():
    counting.rebuild()
    analyze()  # the planner needs the loaded tables' statistics (no autovacuum on these machines)


@transaction.atomic
def delete_synthetic_members():
    """Remove every synthetic member (and its competence links); demo and real members stay.

    Plain DELETE statements: `QuerySet.delete()` would load 100,000 members into Python to send
    their post_delete signals, which only bump the cache version (done once here instead).
    """
    counting.defer()
    synthetic = Member.objects.filter(is_synthetic=True)
    Member.competences.through.objects.filter(member__in=synthetic).delete()
    Member.certifications.through.objects.filter(member__in=synthetic).delete()
    ContactPerson.objects.filter(member__in=synthetic).delete()
    deleted = synthetic.count()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Member._meta.db_table} WHERE is_synthetic = %s", [True])  # noqa: S608
    _rebuild_and_analyze()
    cache.bump_version()
    return deleted
