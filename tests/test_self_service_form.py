"""The member's update form: what it shows, what it accepts, and that a submission is a
pending change, never a published edit."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from members import selfservice
from members.models import ContactPerson, Member, PendingChange


@pytest.fixture
def member(make_member, competences):
    return make_member(
        name="Roboți Ilfov SRL",
        fiscal_code="18547290",
        description_ro="Automatizări.",
        description_en="Automation.",
        competences=competences[:2],
        size=Member.Size.SMALL,
        founded=2004,
    )


@pytest.fixture
def contact(member):
    return ContactPerson.objects.create(member=member, name="Ioana Stan", email="ioana@roboti.example.ro")


@pytest.fixture
def key(member, contact, manager):
    return selfservice.issue(member, contact, manager)[1]


def url(key):
    return reverse("members:self_service", kwargs={"key": key})


def form_data(client, key, **changes):
    """The form as the page fills it in, with `changes` on top."""
    form = client.get(url(key)).context["form"]
    formset = client.get(url(key)).context["formset"]
    data = {}
    for name in form.fields:
        if name == "logo":
            continue
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    data.update(
        {
            "contacts-TOTAL_FORMS": str(len(formset.forms)),
            "contacts-INITIAL_FORMS": str(formset.initial_form_count()),
        }
    )
    for index, contact_form in enumerate(formset.forms):
        for name in contact_form.fields:
            value = contact_form[name].value()
            if value not in (None, ""):
                data[f"contacts-{index}-{name}"] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_shows_the_managers_fields_read_only(client, key):
    response = client.get(url(key))
    page = response.content.decode()
    assert response.status_code == 200
    assert "18547290" in page and "enterprise" in page.lower()
    assert (
        'name="fiscal_code"' not in page
        and 'name="category"' not in page
        and 'name="member_since"' not in page
    )
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_submission_is_pending_and_nothing_is_published(client, key, member):
    data = form_data(client, key, description_en="Industrial robots, built to order.")
    response = client.post(url(key), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:self_service_sent")
    member.refresh_from_db()
    assert member.description_en == "Automation."  # unchanged until approved
    change = PendingChange.objects.get()
    assert change.proposed == {"description_en": "Industrial robots, built to order."}
    assert change.before == {"description_en": "Automation."}
    assert change.submitted_by == "Ioana Stan"
    profile = client.get(member.get_absolute_url()).content.decode()
    assert "built to order" not in profile


def test_the_link_stops_working_once_the_changes_are_sent(client, key):
    client.post(url(key), form_data(client, key, founded="2005"))
    assert client.get(url(key)).status_code == 410


def test_romanian_text_is_stored_with_comma_below(client, key):
    client.post(url(key), form_data(client, key, description_ro="Ştiinţă şi tehnică"))
    assert PendingChange.objects.get().proposed["description_ro"] == "Știință și tehnică"


def test_invalid_values_are_explained_and_nothing_is_recorded(client, key):
    response = client.post(url(key), form_data(client, key, founded="1200", website="not a site"))
    assert response.status_code == 400
    assert "Nothing was sent" in response.content.decode()
    assert not PendingChange.objects.exists()
    assert client.get(url(key)).status_code == 200  # the link still works


def test_a_logo_is_refused_as_the_admin_refuses_it(client, key):
    bad = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.post(url(key), {**form_data(client, key), "logo": bad})
    assert response.status_code == 400
    assert not PendingChange.objects.exists()


def test_a_good_logo_waits_with_the_change(client, key, member):
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (10, 90, 170)).save(buffer, "PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    client.post(url(key), {**form_data(client, key), "logo": logo})
    change = PendingChange.objects.get()
    assert change.logo.name.startswith("pending-logos/")
    member.refresh_from_db()
    assert not member.logo


def test_consent_is_captured_per_person_with_who_when_and_how(client, key, contact):
    response = client.post(url(key), form_data(client, key, **{"contacts-0-consent": "public"}))
    assert response.status_code == 302
    (entry,) = PendingChange.objects.get().contacts
    assert entry["id"] == contact.pk and entry["public"] is True
    assert entry["consent_given_at"]
    assert entry["consent_method"].startswith("self-service form (Ioana Stan")
    contact.refresh_from_db()
    assert not contact.public_consent  # not before approval


def test_consent_can_be_withdrawn(client, member, manager):
    from django.utils import timezone

    shown = ContactPerson.objects.create(
        member=member,
        name="Dan Ene",
        email="dan@roboti.example.ro",
        public_consent=True,
        consent_given_at=timezone.now(),
        consent_method="signed form",
    )
    key = selfservice.issue(member, shown, manager)[1]
    client.post(url(key), form_data(client, key, **{"contacts-0-consent": "private"}))
    (entry,) = PendingChange.objects.get().contacts
    assert entry == {**entry, "id": shown.pk, "public": False}


def test_another_members_contact_cannot_be_changed_through_a_link(client, key, make_member):
    other = make_member(name="Alt Membru SRL")
    stranger = ContactPerson.objects.create(member=other, name="Străin", email="s@alt.example.ro")
    data = form_data(client, key, **{"contacts-0-id": str(stranger.pk), "contacts-0-name": "Schimbat"})
    client.post(url(key), data)
    (entry,) = PendingChange.objects.get().contacts
    assert entry["id"] is None  # taken as a new person of this member, never the stranger


def test_the_form_is_rate_limited(client, key, settings):
    from members import self_service_views

    statuses = {client.get(url(key)).status_code for _ in range(self_service_views.RATE_LIMIT + 1)}
    assert 429 in statuses


def test_the_form_works_in_romanian(client, key):
    response = client.get(reverse("members:self_service", kwargs={"key": key}).replace("/en/", "/ro/"))
    assert "Actualizați profilul" in response.content.decode()
