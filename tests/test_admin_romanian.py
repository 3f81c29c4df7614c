"""With Romanian active, the admin is Romanian throughout: Django's, django-simple-history's and
django-import-export's own strings included, with comma-below ș ț and never a cedilla letter."""

import html
import re
from pathlib import Path

import django
import pytest
from axes.models import AccessFailureLog, AccessLog
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from members import importing, selfservice
from members.models import Certification, Competence, CompetenceGroup, ContactPerson, Locality, Member
from members.text import CEDILLA_LETTERS
from opportunities.models import Message, Opportunity
from tests.test_importing import messy_csv
from tests.test_self_service_form import form_data, url

# Sentences of Django's and the packages' English defaults that a Romanian page must not show.
ENGLISH = [
    "Please correct the error below.",
    "Please correct the errors below.",
    "Show counts",
    "Hide counts",
    "Skip to main content",
    "Toggle theme",
    "Filter navigation items",
    "Site administration",
    "Recent actions",
    "Welcome,",
    "View site",
    "Log out",
    "Change password",
    "Save and add another",
    "Save and continue editing",
    "Select all",
    "Clear all filters",
    "Change history",
    "Date/time",
    "Changed by",
    "Change reason",
    "This exporter will export the following fields",
    "Export selected",
    "Are you sure",
    "Yes, I’m sure",
    "No, take me back",
    "This field is required.",
    "Enter a valid",
    "Ensure this value",
    "Hold down",
    "Currently:",
    "Select member to change",
    "Add member",
    "entries",
    "History",
    "Revert",
    "Delete",
    "Search",
    # django-axes' records of login attempts
    "Attempt Time",
    "IP Address",
    "Failed Logins",
    "Clean up expired attempts",
    "Meta Data",
    "Form Data",
    "Locked Out",
    "Status",
    "Axes",
    # the permissions in the users' and groups' forms, as Django stores their names
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
]
_INVISIBLE = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SHOWN_ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|alt|value)="([^"]*)"')


def shown_text(page):
    """The text a person sees or hears: element text, and the attributes shown or read aloud
    (button values, titles, labels). Hidden inputs' values (tokens, ids) are left out."""
    page = _INVISIBLE.sub(" ", page)
    page = re.sub(r'<input[^>]*type="hidden"[^>]*>', " ", page)
    attributes = " ".join(_SHOWN_ATTRIBUTE.findall(page))
    return html.unescape(" ".join((_TAG.sub(" ", page) + " " + attributes).split()))


def english_in(text):
    return [sentence for sentence in ENGLISH if re.search(rf"(?<!\w){re.escape(sentence)}(?!\w)", text)]


@pytest.fixture
def romanian_manager(manager):
    client = Client(headers={"accept-language": "ro"})
    client.force_login(manager)
    return client


@pytest.fixture
def admin_pages(romanian_manager, manager, make_member, competences):
    """(description, response) for every admin page of the app, each kind of page once."""
    client = romanian_manager
    member = make_member(name="Știință Aplicată SRL", fiscal_code="171017031", competences=competences[:1])
    member.phone = "021 000"
    member.save()
    contact = ContactPerson.objects.create(member=member, name="Ana Pop")
    _, batch = importing.import_file(messy_csv(without_bad_row=True), "members.csv", manager)
    first = member.history.last()
    changelist = reverse("admin:members_member_changelist")
    pages = [
        ("index", client.get(reverse("admin:index"))),
        ("app index", client.get(reverse("admin:app_list", args=["members"]))),
        ("password change", client.get(reverse("admin:password_change"))),
        ("member list", client.get(changelist)),
        ("member list with counts", client.get(changelist, {"_facets": "True"})),
        ("member search", client.get(changelist, {"q": "RO 171017031"})),
        ("member form", client.get(reverse("admin:members_member_change", args=[member.pk]))),
        ("new member form", client.get(reverse("admin:members_member_add"))),
        (
            "new member form with errors",
            client.post(reverse("admin:members_member_add"), {"name": "", "website": "nu e url"}),
        ),
        ("member history", client.get(reverse("admin:members_member_history", args=[member.pk]))),
        (
            "revert preview",
            client.get(reverse("admin:members_member_simple_history", args=[member.pk, first.history_id])),
        ),
        ("member delete", client.get(reverse("admin:members_member_delete", args=[member.pk]))),
        (
            "delete selected",
            client.post(changelist, {"action": "delete_selected", "_selected_action": [member.pk]}),
        ),
        ("bulk edit", client.post(changelist, {"action": "bulk_edit", "_selected_action": [member.pk]})),
        ("export", client.get(reverse("admin:members_member_export"))),
        ("import", client.get(reverse("admin:members_member_import"))),
        (
            "import preview",
            client.post(
                reverse("admin:members_member_import"),
                {"file": SimpleUploadedFile("membri.csv", messy_csv())},
            ),
        ),
        (
            "import batch revert",
            client.post(
                reverse("admin:members_importbatch_changelist"),
                {"action": "revert", "_selected_action": [batch.pk]},
            ),
        ),
        ("contact history", client.get(reverse("admin:members_contactperson_history", args=[contact.pk]))),
    ]
    for model, obj in [
        (Competence, competences[0]),
        (CompetenceGroup, CompetenceGroup.objects.first()),
        (Certification, Certification.objects.first()),
        (Locality, Locality.objects.first()),
        (ContactPerson, contact),
    ]:
        name = model._meta.model_name
        pages.append((f"{name} list", client.get(reverse(f"admin:members_{name}_changelist"))))
        pages.append((f"{name} form", client.get(reverse(f"admin:members_{name}_change", args=[obj.pk]))))
        pages.append((f"new {name} form", client.get(reverse(f"admin:members_{name}_add"))))
    pages.append(("import batches", client.get(reverse("admin:members_importbatch_changelist"))))
    pages.append(("import batch", client.get(reverse("admin:members_importbatch_change", args=[batch.pk]))))
    return pages


def problems_of(pages, statuses=(200,)):
    """{page: {"english": [...], "cedilla": [...]}} for each page showing either."""
    problems = {}
    for description, response in pages:
        assert response.status_code in statuses, (description, response.status_code)
        assert 'lang="ro"' in response.content.decode()[:200], description
        text = shown_text(response.content.decode())
        english = english_in(text)
        cedilla = sorted({word for word in text.split() if any(ch in word for ch in CEDILLA_LETTERS)})
        if english or cedilla:
            problems[description] = {"english": english, "cedilla": cedilla}
    return problems


def test_every_admin_page_of_the_app_is_romanian_without_cedilla(admin_pages):
    assert problems_of(admin_pages, statuses=(200, 400)) == {}


def test_the_walk_would_notice_english_and_cedilla():
    """Guards the checks above: they do find what they look for."""
    assert english_in(shown_text("<p>Please correct the error below.</p><input value='x'>")) == [
        "Please correct the error below."
    ]
    assert english_in(shown_text('<button title="Show counts">x</button>')) == ["Show counts"]
    assert english_in(shown_text("<p>Istoric</p>")) == []


def test_the_admin_stays_english_for_an_english_browser(manager_client, make_member):
    make_member()
    page = manager_client.get(reverse("admin:members_member_changelist")).content.decode()
    assert "Select member to change" in page and "Show counts" in page
    assert 'alt="Search"' in page


def django_catalogue(part, domain="django"):
    path = Path(django.__file__).parent / part / "locale" / "ro" / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as po_file:
        return [message for message in read_po(po_file) if message.id]


@pytest.mark.parametrize("part", ["conf", "contrib/admin", "contrib/auth", "contrib/contenttypes"])
def test_no_django_string_is_shown_with_cedilla_in_romanian(part):
    with translation.override("ro"):
        shown = {
            message.id: (
                translation.ngettext(*message.id, 2)
                if isinstance(message.id, tuple)
                else translation.gettext(message.id)
            )
            for message in django_catalogue(part)
        }
    assert {msgid: text for msgid, text in shown.items() if any(c in text for c in CEDILLA_LETTERS)} == {}


def test_the_override_catalogues_use_comma_below_and_are_complete():
    for path in (Path(settings.BASE_DIR) / "locale_overrides").glob("*/LC_MESSAGES/*.po"):
        with path.open("rb") as po_file:
            messages = [m for m in read_po(po_file) if m.id]
        texts = [" ".join(m.string) if isinstance(m.string, tuple) else m.string for m in messages]
        assert all(texts), path
        assert [t for t in texts if any(c in t for c in CEDILLA_LETTERS)] == [], path
        assert not [m.id for m in messages if m.fuzzy], path


def test_the_import_command_speaks_the_active_language(db, manager, tmp_path, capsys):
    path = tmp_path / "membri.csv"
    path.write_bytes(messy_csv(without_bad_row=True))
    with translation.override("ro"):
        call_command("import_members", str(path), "--user", "manager")
        call_command("import_members", str(path), "--dry-run")
    output = capsys.readouterr().out
    assert "Citit ca UTF-8 cu marcaj de ordine a octeților (BOM)." in output
    assert "rândul 2: nou: Robotică Avansată SRL" in output
    assert "Simulare: nu s-a salvat nimic." in output
    assert "row 2" not in output and "Dry run" not in output
    assert Member.objects.count() == 4


def test_the_history_shows_change_reasons_in_romanian(romanian_manager, manager, make_member):
    _, batch = importing.import_file(messy_csv(without_bad_row=True), "membri.csv", manager)
    member = Member.objects.get(fiscal_code="14235708")
    for reason in ("Bulk edit", "revert to version #1: telefonul era greșit"):
        member.phone = reason[:20]
        member._change_reason = reason
        member.save()
    page = romanian_manager.get(reverse("admin:members_member_history", args=[member.pk])).content.decode()
    text = shown_text(page)
    assert "Modificare în bloc" in text
    assert "revenire la versiunea nr. 1: telefonul era greșit" in text
    assert f"importul nr. {batch.pk}" in text


@pytest.fixture
def every_registered_admin_page(romanian_manager, manager, make_member, client):
    """(description, response) for the list, the counts, the add form, one change form, its
    history and its delete page of every model in the admin, the packages' models included: the
    manager meets all of them, not only the members'."""
    member = make_member(name="Știință Aplicată SRL", description_ro="Automatizări.")
    contact = ContactPerson.objects.create(member=member, name="Ana Pop", email="ana@example.ro")
    key = selfservice.issue(member, contact, manager)[1]
    assert client.post(url(key), form_data(client, key, description_ro="Roboți.")).status_code == 302
    importing.import_file(messy_csv(without_bad_row=True), "membri.csv", manager)
    opportunity = Opportunity.objects.create(
        kind=Opportunity.Kind.PARTNER_SEARCH, title_ro="Apel de robotică"
    )
    Message.objects.create(
        opportunity=opportunity, name="Ion Ionescu", email="ion@example.ro", text="Suntem interesați."
    )
    Client().post(reverse("admin:login"), {"username": "manager", "password": "greșit"})  # an attempt
    where = {
        "ip_address": "192.0.2.1",
        "user_agent": "Firefox",
        "username": "manager",
        "path_info": "/admin/",
    }
    AccessLog.objects.create(**where)
    AccessFailureLog.objects.create(**where, locked_out=True)
    Group.objects.create(name="Editori")

    pages = []
    for model, model_admin in django_admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        name = "{}.{}".format(*info)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        pages.append((f"{name} list", romanian_manager.get(changelist)))
        pages.append((f"{name} list with counts", romanian_manager.get(changelist, {"_facets": "True"})))
        if model_admin.has_add_permission(_request_of(manager)):
            pages.append((f"new {name}", romanian_manager.get(reverse("admin:{}_{}_add".format(*info)))))
        first = model._default_manager.order_by("pk").first()
        assert first is not None, name
        if first is None:
            continue
        for view in ("change", "history", "delete"):
            response = romanian_manager.get(reverse("admin:{}_{}_{}".format(*info, view), args=[first.pk]))
            if response.status_code != 403:  # a view the admin refuses to everybody (no delete of a log)
                pages.append((f"{name} {view}", response))
    return pages


def _request_of(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_admin_page_of_every_registered_model_is_romanian_without_cedilla(every_registered_admin_page):
    assert problems_of(every_registered_admin_page) == {}


def test_the_import_preview_names_fields_and_values_in_romanian(romanian_manager, db):
    csv = (
        "name;category;size;phone;offers_subcontracting;competences\n"
        "Ţesături Tehnice SRL;întreprindere;mică;021 444 5555;da;industrial-robotics\n"
    )
    page = romanian_manager.post(
        reverse("admin:members_member_import"),
        {"file": SimpleUploadedFile("membri.csv", csv.encode("cp1250"))},
    ).content.decode()
    text = shown_text(page).replace(" :", ":")
    assert "Citit ca Windows-1250." in text
    assert "Țesături Tehnice SRL" in text and not any(c in text for c in CEDILLA_LETTERS)
    assert "Categorie (category): întreprindere" in text
    assert "Mărimea organizației (size): Întreprindere mică (10–49 de angajați)" in text
    assert "Preia lucrări în subcontractare (offers_subcontracting): da" in text
    assert "Competențe (competences): Robotică industrială" in text
    assert "enterprise" not in text.replace("(category)", "")


def test_permissions_read_in_romanian_and_a_group_saves_with_them(romanian_manager):
    page = romanian_manager.get(reverse("admin:auth_group_add")).content.decode()
    assert ">Catalogul membrilor | membru | poate adăuga</option>" in page
    assert ">Oportunități | mesaj | poate vedea</option>" in page
    assert "historical" not in page and "Historical" not in page and "member facts" not in page
    chosen = Permission.objects.filter(codename__in=["view_member", "change_member"])
    response = romanian_manager.post(
        reverse("admin:auth_group_add"), {"name": "Editori", "permissions": [p.pk for p in chosen]}
    )
    assert response.status_code == 302
    assert set(Group.objects.get(name="Editori").permissions.all()) == set(chosen)


def test_djangos_romanian_sentences_agree_with_our_model_names(romanian_manager, make_member):
    member = make_member()
    listing = shown_text(romanian_manager.get(reverse("admin:members_member_changelist")).text)
    assert "Ștergeți elementele selectate (membri)" in listing
    assert "Exportați elementele selectate (membri)" in listing
    assert "Selectați pentru modificare: membru" in listing
    batches = shown_text(romanian_manager.get(reverse("admin:members_importbatch_changelist")).text)
    assert "Selectați pentru vizualizare: import" in batches
    form = shown_text(romanian_manager.get(reverse("admin:members_member_change", args=[member.pk])).text)
    assert "Modificare: membru" in form
    for text in (listing, batches, form):
        assert "Selecteză" not in text and "membri selectate" not in text
