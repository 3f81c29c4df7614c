"""The reference data migration and the demo data loader (`manage.py load_demo_data`)."""

import importlib
import io
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from PIL import Image

from members import demo_data, reference_data
from members.demo_data import fiscal_check_digit, load_demo_data
from members.models import Competence, CompetenceGroup, ContactPerson, Locality, Member, validate_fiscal_code

pytestmark = pytest.mark.django_db

CEDILLAS = "\u015f\u015e\u0163\u0162"  # ş Ş ţ Ţ: the legacy forms Romanian text must not use
MEMBER_TEXT_FIELDS = [
    "name",
    "short_description_ro",
    "short_description_en",
    "description_ro",
    "description_en",
    "address",
]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Generated logos go to a temporary folder, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _snapshot():
    """Everything the loader writes, in a comparable form."""
    members = [
        (
            m.name,
            m.slug,
            m.category,
            m.fiscal_code,
            m.short_description_ro,
            m.short_description_en,
            m.description_ro,
            m.description_en,
            m.website,
            m.email,
            m.phone,
            m.address,
            m.postal_code,
            m.locality_id,
            m.founded,
            m.size,
            m.offers_subcontracting,
            m.seeks_partners,
            m.member_since,
            m.verified_on,
            m.is_published,
            m.logo.name,
            tuple(sorted(m.competences.values_list("slug", flat=True))),
        )
        for m in Member.objects.order_by("slug")
    ]
    contacts = list(
        ContactPerson.objects.order_by("member__slug", "email").values_list(
            "member__slug",
            "name",
            "role",
            "email",
            "phone",
            "public_consent",
            "consent_given_at",
            "consent_method",
        )
    )
    return members, contacts


def test_the_loader_creates_13_rd_9_public_authority_22_catalyzer_and_100_enterprise_members_all_published():
    summary = load_demo_data()

    counts = Counter(Member.objects.values_list("category", flat=True))
    assert counts == {"rd": 13, "public-authority": 9, "catalyzer": 22, "enterprise": 100}
    assert Member.objects.count() == 144
    assert Member.objects.published().count() == 144
    assert summary["members"] == 144 and summary["created"] == 144


def test_running_the_loader_twice_leaves_144_members_and_the_same_data_and_contacts(settings):
    load_demo_data()
    first = _snapshot()
    logo_files = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "logos").iterdir())

    summary = load_demo_data()

    assert Member.objects.count() == 144
    assert summary["created"] == 0 and summary["logos"] == 0
    assert ContactPerson.objects.count() == len(first[1])
    assert _snapshot() == first
    assert sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "logos").iterdir()) == logo_files


def test_the_plan_is_the_same_on_every_run():
    names = {c.slug: (c.name_ro, c.name_en) for c in Competence.objects.all()}

    assert demo_data.build_plan(names) == demo_data.build_plan(names)


def test_every_fiscal_code_present_passes_validation_and_about_one_member_in_ten_has_none():
    load_demo_data()

    codes = list(Member.objects.values_list("fiscal_code", flat=True))
    present = [code for code in codes if code]
    for code in present:
        validate_fiscal_code(code)
        assert code.isdigit()  # an "RO" prefix was removed on save
    assert len(set(present)) == len(present)
    assert 5 <= codes.count("") <= 25


def test_the_check_digit_helper_agrees_with_known_fiscal_codes():
    # 18547290 is the classic documentation example of a valid CUI.
    assert fiscal_check_digit(1854729) == 0
    validate_fiscal_code(f"{1234567}{fiscal_check_digit(1234567)}")


def test_the_reference_data_migration_provides_6_bucharest_sectors_46_localities_and_about_30_competences():
    # The test database was built by running the migrations, 0003 included; no loader has run.
    sectors = Locality.objects.filter(county="București", kind="sector")
    assert sorted(sectors.values_list("name", flat=True)) == [f"Sectorul {n}" for n in range(1, 7)]
    assert sorted(sectors.values_list("slug", flat=True)) == [f"sectorul-{n}" for n in range(1, 7)]
    assert Locality.objects.filter(county="Ilfov", kind="town").count() == 8
    assert Locality.objects.filter(county="Ilfov", kind="commune").count() == 32
    assert Locality.objects.get(slug="stefanestii-de-jos").name == "Ștefăneștii de Jos"
    assert Locality.objects.get(slug="magurele").kind == "town"
    assert not Locality.objects.filter(latitude__isnull=True).exists()
    assert 7 <= CompetenceGroup.objects.count() <= 8
    assert 28 <= Competence.objects.count() <= 36
    assert Competence.objects.get(slug="technical-assistance").name_ro == "Asistență tehnică și consultanță"

    migration = importlib.import_module("members.migrations.0002_reference_data").Migration
    assert ("members", "0001_initial") in migration.dependencies


def test_ensuring_the_reference_data_again_changes_nothing():
    before = (
        list(CompetenceGroup.objects.order_by("slug").values()),
        list(Competence.objects.order_by("slug").values()),
        list(Locality.objects.order_by("slug").values()),
    )

    reference_data.ensure_reference_data(apps)

    after = (
        list(CompetenceGroup.objects.order_by("slug").values()),
        list(Competence.objects.order_by("slug").values()),
        list(Locality.objects.order_by("slug").values()),
    )
    assert after == before


def test_no_cedilla_s_or_t_appears_in_reference_data_or_demo_texts():
    load_demo_data()

    texts = []
    texts += [v for g in CompetenceGroup.objects.values("name_ro", "name_en") for v in g.values()]
    texts += [v for c in Competence.objects.values("name_ro", "name_en") for v in c.values()]
    texts += [v for loc in Locality.objects.values("name", "county") for v in loc.values()]
    texts += [v for m in Member.objects.values(*MEMBER_TEXT_FIELDS) for v in m.values()]
    texts += [v for c in ContactPerson.objects.values("name", "role", "consent_method") for v in c.values()]
    offending = [text for text in texts if any(ch in text for ch in CEDILLAS)]
    assert offending == []
    for module in (reference_data, demo_data):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert not any(ch in source for ch in CEDILLAS), module.__name__
    # The comma-below forms really are used.
    assert any("ș" in text or "ț" in text for text in texts)


def test_some_members_have_no_english_or_no_romanian_description_but_every_member_has_a_short_one():
    load_demo_data()

    assert 3 <= Member.objects.filter(description_en="").count() <= 8
    assert 1 <= Member.objects.filter(description_ro="").count() <= 5
    assert not Member.objects.filter(short_description_ro="", short_description_en="").exists()
    for member in Member.objects.all():
        assert len(member.short_description_ro) <= 300 and len(member.short_description_en) <= 300


def test_romanian_descriptions_mention_tehnica_and_stiinta_and_search_finds_them_without_diacritics():
    load_demo_data()

    assert Member.objects.filter(description_ro__contains="tehnică").count() >= 5
    assert Member.objects.filter(description_ro__contains="științ").count() >= 3
    assert Member.objects.search("tehnica").count() >= 5
    assert Member.objects.search("ştiinţă").exists()  # cedilla query, comma-below data


def test_every_demo_member_and_contact_passes_model_validation():
    load_demo_data()

    for member in Member.objects.all():
        member.full_clean()
        assert member.website.startswith("https://") and member.website.endswith(".example.ro")
        assert member.email.startswith("contact@") and member.email.endswith(".example.ro")
        assert 2015 <= member.member_since.year <= 2026 and 1950 <= member.founded <= 2023
        assert 1 <= member.competences.count() <= 5
    for contact in ContactPerson.objects.all():
        contact.full_clean()
        assert contact.email.endswith(".example.ro")
        if not contact.public_consent:
            assert contact.consent_given_at is None and contact.consent_method == ""


def test_about_40_percent_of_contacts_consent_and_every_member_has_at_most_3():
    load_demo_data()

    contacts = ContactPerson.objects.count()
    public = ContactPerson.objects.public().count()
    assert 0.25 <= public / contacts <= 0.55
    per_member = Counter(ContactPerson.objects.values_list("member_id", flat=True))
    assert max(per_member.values()) <= 3


def test_most_members_get_a_256_pixel_png_logo():
    load_demo_data()

    with_logo = Member.objects.exclude(logo="")
    assert 110 <= with_logo.count() <= 135
    member = with_logo.first()
    with Image.open(member.logo.path) as image:
        assert image.format == "PNG" and image.size == (256, 256)


def test_the_management_command_prints_the_counts_per_category():
    out = io.StringIO()

    call_command("load_demo_data", stdout=out)

    output = out.getvalue()
    assert "144 members" in output
    for line in ("rd: 13", "public-authority: 9", "catalyzer: 22", "enterprise: 100"):
        assert line in output
