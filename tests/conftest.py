"""Shared fixtures: people (anonymous visitor, the cluster manager, staff without rights) and
member data made with model-bakery on top of the shipped taxonomy and gazetteer."""

import datetime
import io
import itertools
import socket

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone, translation
from model_bakery import baker
from PIL import Image

from members.models import Competence, ContactPerson, Locality, Member
from tools.chromium import in_ci

_names = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a temporary folder, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolled-back rows must not survive in cached pages."""
    from django.core.cache import cache

    from members.cache import forget_recent_version

    cache.clear()
    forget_recent_version()  # this process's memory of the cleared version, too
    yield
    cache.clear()
    forget_recent_version()


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise():
    """Tests read in English: URLs they reverse are /en/…, messages they compare are English.

    Romanian is the site's default; tests/test_bilingual.py asks for it explicitly.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A browser that prefers English, so the admin (which has no /ro/ or /en/ prefix) answers
    in English like the rest of the tests. A request may send its own Accept-Language."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def manager(django_user_model):
    """The cluster manager: a superuser."""
    return django_user_model.objects.create_superuser("manager", "manager@example.ro", "a-long-password-123")


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def staff_without_rights(django_user_model):
    return django_user_model.objects.create_user("intern", password="a-long-password-123", is_staff=True)


@pytest.fixture
def staff_viewer(django_user_model):
    """Staff who may only look at members."""
    user = django_user_model.objects.create_user("viewer", password="a-long-password-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_member"))
    return user


@pytest.fixture
def make_member(db):
    """Create a member; published by default, with a unique fictional name."""

    def make(**fields):
        fields.setdefault("name", f"Membru de test {next(_names)} SRL")
        fields.setdefault("category", Member.Category.ENTERPRISE)
        fields.setdefault("is_published", True)
        competences = fields.pop("competences", [])
        member = baker.make(Member, fiscal_code=fields.pop("fiscal_code", ""), **fields)
        if competences:
            member.competences.set(competences)
        return member

    return make


@pytest.fixture
def complete_member(make_member, competences, localities):
    """A member with every public field filled in, a consenting contact person and a similar
    member: its profile shows everything a profile can (for accessibility and validity checks)."""
    logo = io.BytesIO()
    Image.new("RGB", (240, 120), (11, 92, 173)).save(logo, "PNG")
    member = make_member(
        name="Tehnică Avansată SRL",
        competences=competences[:3],
        locality=localities[0],
        address="Str. Fabricii 3",
        postal_code="077190",
        website="https://tehnica.example.ro",
        email="office@tehnica.example.ro",
        phone="+40 21 555 0101",
        founded=2004,
        size=Member.Size.SMALL,
        member_since=datetime.date(2019, 3, 15),
        offers_subcontracting=True,
        seeks_partners=True,
        short_description_en="Custom industrial robots",
        short_description_ro="Roboți industriali la comandă",
        description_en="Design and build.\n\nTesting too.",
        description_ro="Proiectare și execuție.\n\nȘi testare.",
    )
    member.logo.save("logo.png", ContentFile(logo.getvalue()))
    ContactPerson.objects.create(
        member=member,
        name="Ana Popescu",
        role="Director",
        email="ana@tehnica.example.ro",
        phone="+40 721 000 000",
        public_consent=True,
        consent_given_at=timezone.now(),
        consent_method="signed form",
    )
    make_member(name="Alt Membru SRL", competences=competences[2:4])
    return member


@pytest.fixture
def competences(db):
    """The shipped taxonomy (loaded by a data migration)."""
    return list(Competence.objects.order_by("slug"))


@pytest.fixture
def localities(db):
    return list(Locality.objects.order_by("slug"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped browser test counts as a failure: a green run must have used the browser."""
    report = yield
    if report.skipped and item.get_closest_marker("browser") and in_ci():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI (CI=true), which counts as a failure: {reason}"
    return report


@pytest.fixture
def publish(db):
    """make(**fields): an opportunity taken through approval to published, open for 60 days
    unless `deadline` says otherwise, with its competences and search text."""
    from opportunities.models import Opportunity

    def make(competences=(), **fields):
        fields.setdefault("kind", Opportunity.Kind.PARTNER_SEARCH)
        fields.setdefault("deadline", timezone.localdate() + datetime.timedelta(days=60))
        opportunity = Opportunity(**fields)
        opportunity.move_to(Opportunity.Status.AWAITING)
        opportunity.move_to(Opportunity.Status.PUBLISHED)
        opportunity.save()
        opportunity.competences.set(competences)
        opportunity.refresh_search_text()
        return opportunity

    return make


class Inbox:
    """An aiosmtpd handler keeping each message's bytes as they came over the wire."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def free_port_for_smtp():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free port, and Django's SMTP backend sending to it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port_for_smtp())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()
