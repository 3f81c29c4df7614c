"""Contact persons are private by default, disappear at once when they withdraw consent, and
can be exported and erased completely on request."""

import json
from datetime import UTC, datetime

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.utils import translation

from members import cache
from members.models import ContactPerson

EMAIL = "ana.popescu@robotica-test.ro"
CONSENT = {
    "public_consent": True,
    "consent_given_at": datetime(2026, 3, 12, tzinfo=UTC),
    "consent_method": "signed form of 12 March 2026",
}


def add_contact(member, name="Ana Popescu", email=EMAIL, **fields):
    return ContactPerson.objects.create(member=member, name=name, email=email, role="CTO", **fields)


def log_contact_added(user, member, name="Ana Popescu"):
    """The admin's change-log entry for adding a contact through the member's page."""
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(member),
        object_id=str(member.pk),
        object_repr=member.name,
        action_flag=ADDITION,
        change_message=json.dumps([{"added": {"name": "contact person", "object": name}}]),
    )


def test_a_contact_without_consent_is_not_shown_on_the_profile(client, make_member):
    member = make_member()
    add_contact(member)
    assert "Ana Popescu" not in client.get(member.get_absolute_url()).content.decode()


def test_withdrawing_consent_hides_the_contact_on_the_very_next_request(client, make_member):
    member = make_member()
    contact = add_contact(member, **CONSENT)
    assert "Ana Popescu" in client.get(member.get_absolute_url()).content.decode()
    version_before = cache.version()

    contact.withdraw_consent()

    assert cache.version() != version_before  # every cached public page is now stale
    assert "Ana Popescu" not in client.get(member.get_absolute_url()).content.decode()


def test_a_public_contacts_address_is_not_plain_text_in_the_page_source(client, make_member):
    member = make_member()
    add_contact(member, **CONSENT)
    html = client.get(member.get_absolute_url()).content.decode()
    assert "Ana Popescu" in html
    assert EMAIL not in html


def test_export_person_lists_everything_held_about_the_address(make_member, manager, capsys):
    member = make_member(email=EMAIL)
    contact = add_contact(member)
    contact.role = "CEO"
    contact.save()
    manager.email = EMAIL
    manager.save()
    AccessAttempt.objects.create(username="manager", ip_address="198.51.100.1", failures_since_start=2)
    log_contact_added(manager, member)

    call_command("export_person", EMAIL)
    exported = json.loads(capsys.readouterr().out)

    assert [c["name"] for c in exported["contact_persons"]] == ["Ana Popescu"]
    assert [h["role"] for h in exported["contact_person_history"]] == ["CTO", "CEO"]
    assert [m["slug"] for m in exported["members_with_this_email"]] == [member.slug]
    assert exported["member_history_with_this_email"]
    assert [u["username"] for u in exported["users"]] == ["manager"]
    assert len(exported["login_records"]["accessattempt"]) == 1
    assert [entry["object_repr"] for entry in exported["admin_log_mentions"]] == [member.name]


def text_rows_containing(needle):
    """Every row of every table (history tables included) with `needle` in a text column."""
    found = []
    tables = set(connection.introspection.table_names())  # the facet cells exist on PostgreSQL only
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table not in tables:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                hits = model._base_manager.filter(**{f"{field.attname}__icontains": needle})
                found += [(model._meta.label, field.name, pk) for pk in hits.values_list("pk", flat=True)]
    return found


def test_erase_person_leaves_no_trace_of_the_address_or_the_name_in_any_table(make_member, manager, capsys):
    member = make_member(email=EMAIL)
    contact = add_contact(member, **CONSENT)
    contact.email = EMAIL.upper()  # a later edit: history keeps both spellings
    contact.save()
    add_contact(make_member(), name="Ion Ionescu", email="ion@example.ro")  # someone else
    log_contact_added(manager, member)
    AccessAttempt.objects.create(username=EMAIL, ip_address="198.51.100.1", failures_since_start=1)
    assert text_rows_containing(EMAIL)

    call_command("erase_person", EMAIL)

    report = capsys.readouterr().out
    assert "1 contact persons" in report and "1 member e-mails blanked" in report
    assert text_rows_containing(EMAIL) == []
    assert text_rows_containing("Ana Popescu") == []
    assert ContactPerson.objects.filter(name="Ion Ionescu").exists()


def test_a_dry_run_reports_the_counts_and_keeps_everything(make_member, capsys):
    add_contact(make_member(email=EMAIL))
    call_command("erase_person", EMAIL, "--dry-run")
    report = capsys.readouterr().out
    assert "1 contact persons" in report and "nothing was" in report
    assert ContactPerson.objects.filter(email=EMAIL).exists()
    assert text_rows_containing(EMAIL)


def test_erasing_twice_finds_nothing_the_second_time(make_member, capsys):
    add_contact(make_member())
    call_command("erase_person", EMAIL)
    capsys.readouterr()
    call_command("erase_person", EMAIL)
    assert "Done: 0 rows removed or changed." in capsys.readouterr().out


def test_erase_person_refuses_something_that_is_not_an_address(db):
    with pytest.raises(CommandError, match="Not an e-mail address"):
        call_command("erase_person", "ana popescu")


def test_every_page_links_to_the_privacy_page(client, make_member):
    for language in ("ro", "en"):
        with translation.override(language):
            html = client.get(make_member().get_absolute_url()).content.decode()
        assert f'href="/{language}/privacy/"' in html


def test_the_privacy_page_explains_publication_and_removal(client, db):
    for language in ("ro", "en"):
        response = client.get(f"/{language}/privacy/")
        assert response.status_code == 200
        text = response.content.decode()
        assert f'<html lang="{language}">' in text
        assert "privacy@mechatrec.example" in text
        # The regulation's Romanian abbreviation on Romanian pages (the native editor, issue 19).
        assert "190/2018" in text and {"ro": "RGPD", "en": "GDPR"}[language] in text


def test_erasing_a_person_leaves_alone_the_log_of_someone_whose_name_starts_the_same(
    make_member, manager, capsys
):
    member = make_member()
    add_contact(member, name="Ion Pop", email="ion.pop@example.ro")
    add_contact(member, name="Ion Popescu", email="ion.popescu@example.ro")
    log_contact_added(manager, member, name="Ion Pop")
    other = log_contact_added(manager, member, name="Ion Popescu")

    call_command("export_person", "ion.pop@example.ro")
    exported = json.loads(capsys.readouterr().out)
    call_command("erase_person", "ion.pop@example.ro")

    assert len(exported["admin_log_mentions"]) == 1
    other.refresh_from_db()
    assert json.loads(other.change_message)[0]["added"]["object"] == "Ion Popescu"
    assert text_rows_containing("Ion Pop") == text_rows_containing("Ion Popescu")
