"""The cluster manager's tools in the admin: import page, export, history, revert, concurrent
edits, freshness and completeness."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members import importing
from members.columns import COLUMNS
from members.models import ContactPerson, ImportBatch, Member
from tests.test_importing import messy_csv

CHANGELIST = "admin:members_member_changelist"


def change_form_data(response):
    """What the browser would post back: the form's current values and the inline management forms."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "logo" or value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = "on" if value is True else value
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{inline.formset.prefix}-{name}"] = management[name].value()
    return data


@pytest.fixture
def colleague(django_user_model):
    """A second member of the cluster office, with the same rights as the manager."""
    return django_user_model.objects.create_superuser(
        "colleague", "colleague@example.ro", "a-long-password-456"
    )


# --- Import page --------------------------------------------------------------------------------


def upload(client, content, name="members.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("admin:members_member_import"), {"file": SimpleUploadedFile(name, content)})


def test_the_changelist_links_to_the_import_page_and_its_templates(manager_client):
    response = manager_client.get(reverse(CHANGELIST))
    assert reverse("admin:members_member_import") in response.content.decode()
    page = manager_client.get(reverse("admin:members_member_import")).content.decode()
    assert "template.xlsx" in page and "template.csv" in page


def test_the_import_page_previews_then_imports_on_confirmation(manager_client, manager, make_member):
    make_member(name="Robotica Veche SRL", fiscal_code="14235708", phone="021 000")
    response = upload(manager_client, messy_csv(without_bad_row=True))
    page = response.content.decode()
    assert "3 new, 1 updated, 0 unchanged, 0 with errors" in page
    assert "<del>021 000</del> → <ins>+40 21 555 0101</ins>" in page
    assert Member.objects.count() == 1  # nothing saved by the preview
    digest = response.context["digest"]
    response = manager_client.post(
        reverse("admin:members_member_import"), {"_confirm": "1", "digest": digest}
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.user, batch.file_name, batch.created_count, batch.updated_count) == (
        manager,
        "members.csv",
        3,
        1,
    )
    assert Member.objects.count() == 4
    assert set(
        Member.history.filter(history_change_reason=f"import #{batch.pk}").values_list(
            "history_user", flat=True
        )
    ) == {manager.pk}


def test_a_confirmation_is_refused_when_the_members_changed_since_the_preview(manager_client, make_member):
    member = make_member(name="Robotica Veche SRL", fiscal_code="14235708", phone="021 000")
    upload(manager_client, messy_csv(without_bad_row=True))
    member.phone = "021 555"  # a colleague edits the member while the manager reads the preview
    member.save()
    response = manager_client.post(
        reverse("admin:members_member_import"), {"_confirm": "1", "digest": _last_digest(manager_client)}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "The members changed since the preview" in page
    assert "<del>021 555</del>" in page
    assert ImportBatch.objects.count() == 0
    response = manager_client.post(
        reverse("admin:members_member_import"), {"_confirm": "1", "digest": _last_digest(manager_client)}
    )
    assert response.status_code == 302  # confirming the new preview imports it
    assert ImportBatch.objects.count() == 1


def test_the_import_page_shows_errors_and_offers_no_confirmation(manager_client):
    response = upload(manager_client, messy_csv())
    page = response.content.decode()
    assert "Row 6, column “category”: unknown category “brutărie”" in page
    assert 'name="_confirm"' not in page
    assert Member.objects.count() == 0


def test_an_unreadable_file_is_refused_with_a_message_and_a_400(manager_client):
    response = upload(manager_client, b"%PDF-1.7 not a spreadsheet\x00", "members.pdf")
    assert response.status_code == 400
    assert "This is not a CSV or XLSX file." in response.content.decode()


def test_confirming_without_a_previewed_file_imports_nothing(manager_client):
    response = manager_client.post(reverse("admin:members_member_import"), {"_confirm": "1", "digest": "x"})
    assert response.status_code == 302
    assert ImportBatch.objects.count() == 0


def test_staff_who_may_only_view_members_cannot_import(client, staff_viewer):
    client.force_login(staff_viewer)
    assert client.get(reverse("admin:members_member_import")).status_code == 403


def import_messy_file(client):
    """Import the messy fixture (less its bad row) through the admin, as the manager does."""
    upload(client, messy_csv(without_bad_row=True))
    client.post(reverse("admin:members_member_import"), {"_confirm": "1", "digest": _last_digest(client)})
    return ImportBatch.objects.latest("pk")


def choose_revert(client, *batches, **headers):
    """Tick batches in the list and choose the action: what the changelist's form posts."""
    return client.post(
        reverse("admin:members_importbatch_changelist"),
        {"action": "revert", "_selected_action": [batch.pk for batch in batches]},
        **headers,
    )


def confirm_revert(client, *batches, follow=True):
    """The confirmation page's "Yes, revert"."""
    return client.post(
        reverse("admin:members_importbatch_changelist"),
        {"action": "revert", "_selected_action": [batch.pk for batch in batches], "post": "yes"},
        follow=follow,
    )


def test_choosing_revert_shows_what_would_be_undone_and_changes_nothing(manager_client, make_member):
    make_member(name="Robotica Veche SRL", fiscal_code="14235708", phone="021 000")
    batch = import_messy_file(manager_client)
    response = choose_revert(manager_client, batch)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/members/importbatch/revert_confirmation.html"
    page = response.content.decode()
    assert "Revert the selected imports?" in page
    assert f"Import batch #{batch.pk} members.csv" in page
    assert "3 members that the import created will be deleted" in page
    assert "1 member that the import updated goes back to its version before the import" in page
    assert "<li>Robotică Avansată SRL</li>" in page  # the updated one, listed under its count
    assert 'name="csrfmiddlewaretoken"' in page
    assert f'<input type="hidden" name="_selected_action" value="{batch.pk}">' in page
    assert '<input type="hidden" name="post" value="yes">' in page
    assert "Yes, revert" in page and "No, take me back" in page
    assert Member.objects.count() == 4
    batch.refresh_from_db()
    assert batch.reverted_at is None
    assert not Member.history.filter(history_change_reason=batch.revert_reason).exists()


def test_an_import_batch_is_reverted_from_the_admin_once_confirmed(manager_client, manager):
    batch = import_messy_file(manager_client)
    choose_revert(manager_client, batch)
    response = confirm_revert(manager_client, batch)
    assert "reverted: 4 members restored or removed" in response.content.decode()
    assert Member.objects.count() == 0
    deletions = Member.history.filter(history_type="-")
    assert deletions.count() == 4
    assert {record.history_user for record in deletions} == {manager}
    batch.refresh_from_db()
    assert batch.reverted_by == manager


def test_a_get_with_the_revert_parameters_reverts_nothing(manager_client):
    batch = import_messy_file(manager_client)
    response = manager_client.get(
        reverse("admin:members_importbatch_changelist"),
        {"action": "revert", "_selected_action": batch.pk, "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Member.objects.count() == 4
    batch.refresh_from_db()
    assert batch.reverted_at is None


def test_confirming_without_the_csrf_token_is_refused(manager, make_member):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    browser.force_login(manager)
    _, batch = importing.import_file(messy_csv(without_bad_row=True), "members.csv", manager)
    assert confirm_revert(browser, batch, follow=False).status_code == 403
    assert Member.objects.count() == 4


def test_staff_who_may_not_change_and_delete_members_are_offered_no_revert(client, staff_viewer, manager):
    staff_viewer.user_permissions.add(Permission.objects.get(codename="view_importbatch"))
    _, batch = importing.import_file(messy_csv(without_bad_row=True), "members.csv", manager)
    client.force_login(staff_viewer)
    page = client.get(reverse("admin:members_importbatch_changelist")).content.decode()
    assert f"#{batch.pk} members.csv" in page  # they may look at the batches
    assert 'value="revert"' not in page
    for response in (choose_revert(client, batch), confirm_revert(client, batch)):
        assert "Revert the selected imports?" not in response.content.decode()
    assert Member.objects.count() == 4
    batch.refresh_from_db()
    assert batch.reverted_at is None


def test_a_batch_that_cannot_be_reverted_says_why_and_offers_no_confirmation(manager_client, manager):
    batch = import_messy_file(manager_client)
    member = Member.objects.get(fiscal_code="14235708")
    member.phone = "021 999"  # a later edit the revert must not throw away
    member.save()
    page = choose_revert(manager_client, batch).content.decode()
    assert "This import will not be reverted: These members changed after the import" in page
    assert "Robotică Avansată SRL" in page
    assert "None of the selected imports can be reverted." in page
    assert 'name="post"' not in page


def test_only_the_batches_that_can_be_reverted_are_confirmed(manager_client, manager):
    older = import_messy_file(manager_client)
    _, newer = importing.import_file(b"name,category\nFirma Noua SRL,enterprise\n", "new.csv", manager)
    importing.revert_batch(older, manager)
    response = choose_revert(manager_client, older, newer)
    page = response.content.decode()
    assert "This import will not be reverted: This import was already reverted." in page
    assert "1 member that the import created will be deleted" in page
    assert f'name="_selected_action" value="{newer.pk}"' in page
    assert f'name="_selected_action" value="{older.pk}"' not in page


def test_the_revert_confirmation_speaks_romanian(manager_client, make_member):
    make_member(name="Robotica Veche SRL", fiscal_code="14235708")
    batch = import_messy_file(manager_client)
    page = choose_revert(manager_client, batch, headers={"accept-language": "ro"}).content.decode()
    assert "Anulați importurile selectate?" in page
    assert "3 membri adăugați de import vor fi șterși" in page
    assert "1 membru actualizat de import revine la versiunea de dinainte de import" in page
    assert "Da, anulează" in page and "Nu, înapoi" in page


def _last_digest(client):
    return client.session["members_pending_import"]["digest"]


# --- Export -----------------------------------------------------------------------------------


def test_exporting_selected_members_gives_the_documented_columns_and_neutralises_formulas(
    manager_client, make_member
):
    chosen = make_member(name="=HYPERLINK(evil) SRL", phone="+40 21 000 0000")
    make_member(name="Not Chosen SRL")
    ContactPerson.objects.create(member=chosen, name="Ana Pop", email="ana@example.ro")
    response = manager_client.post(
        "/admin/members/member/export/",
        {"format": "1", "resource": "0", "export_items": [chosen.pk]},
    )
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == ",".join([*COLUMNS, "verified_on", "contacts"])
    assert len(lines) == 2
    assert lines[1].startswith("'=HYPERLINK(evil) SRL,")
    assert "'+40 21 000 0000" in lines[1]
    assert "Ana Pop / ana@example.ro (private)" in lines[1]


def test_exporting_the_filtered_list_as_xlsx_keeps_the_filters(manager_client, make_member):
    make_member(name="Published SRL", is_published=True)
    make_member(name="Hidden SRL", is_published=False)
    response = manager_client.post(
        "/admin/members/member/export/?is_published__exact=0", {"format": "0", "resource": "0"}
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["Hidden SRL"]


def test_staff_who_may_see_members_but_not_contacts_export_no_contacts_column(
    client, staff_viewer, make_member
):
    member = make_member(name="Exportată SRL")
    ContactPerson.objects.create(member=member, name="Ana Pop", email="ana@example.ro", phone="0722 000 000")
    client.force_login(staff_viewer)
    assert client.get("/admin/members/contactperson/").status_code == 403

    response = client.post("/admin/members/member/export/", {"format": "1", "resource": "0"})

    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join([*COLUMNS, "verified_on"])
    assert "Exportată SRL" in text
    assert "Ana Pop" not in text and "ana@example.ro" not in text and "0722" not in text


def test_staff_without_rights_cannot_export(client, staff_without_rights):
    client.force_login(staff_without_rights)
    response = client.post("/admin/members/member/export/", {"format": "1", "resource": "0"})
    assert response.status_code == 403


# --- History and revert -------------------------------------------------------------------------


def test_an_admin_edit_is_in_the_history_with_the_user_and_the_changed_fields(
    manager_client, manager, make_member
):
    member = make_member(name="Vechi SRL", phone="021 111")
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_form_data(manager_client.get(url))
    data["phone"] = "021 222"
    assert manager_client.post(url, data).status_code == 302
    latest = member.history.first()
    assert latest.history_user == manager
    history_page = manager_client.get(
        reverse("admin:members_member_history", args=[member.pk])
    ).content.decode()
    assert re.search(r"phone:</strong>\s*021 111\s*&nbsp;&rarr;&nbsp;&nbsp;021 222", history_page)


def test_a_contact_person_added_in_the_member_form_is_in_its_history_with_the_user(
    manager_client, manager, make_member
):
    member = make_member()
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_form_data(manager_client.get(url))
    data.update({"contacts-TOTAL_FORMS": "1", "contacts-0-name": "Ana Pop", "contacts-0-role": "CEO"})
    assert manager_client.post(url, data).status_code == 302
    record = ContactPerson.history.get()
    assert (record.name, record.history_type, record.history_user) == ("Ana Pop", "+", manager)


def test_bulk_actions_are_in_the_history_with_the_user(manager_client, manager, make_member):
    member = make_member(is_published=False)
    manager_client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [member.pk]})
    manager_client.post(reverse(CHANGELIST), {"action": "mark_verified", "_selected_action": [member.pk]})
    records = list(member.history.order_by("history_date")[1:])
    assert [(r.history_user, r.history_change_reason) for r in records] == [
        (manager, "Published"),
        (manager, "Marked as verified"),
    ]
    member.refresh_from_db()
    assert member.verified_on == timezone.localdate()


def test_the_manager_reverts_a_member_to_an_earlier_version(
    manager_client, manager, make_member, competences
):
    member = make_member(
        name="Original SRL", short_description_en="The original text", competences=competences[:1]
    )
    first_version = member.history.first()
    member.name, member.short_description_en = "Renamed SRL", "A mistaken text"
    member.save()
    member.competences.set(competences[1:3])
    url = reverse("admin:members_member_simple_history", args=[member.pk, first_version.history_id])
    preview = manager_client.get(url)
    ticked = [
        choice.data["value"] for choice in preview.context["form"]["restore"] if choice.data["selected"]
    ]
    assert ticked == ["name", "short_description_en", "competences"]  # all, by default
    data = {"restore": ticked, "opened_at": preview.context["form"]["opened_at"].value()}
    assert manager_client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert (member.name, member.short_description_en) == ("Original SRL", "The original text")
    assert list(member.competences.all()) == competences[:1]
    assert member.history.first().history_user == manager


# --- Two people editing one member --------------------------------------------------------------


def test_the_second_of_two_concurrent_saves_is_refused_with_who_and_when(
    client, manager, colleague, make_member
):
    member = make_member(name="Comun SRL", phone="021 000")
    url = reverse("admin:members_member_change", args=[member.pk])
    client.force_login(manager)
    manager_data = change_form_data(client.get(url))
    client.force_login(colleague)
    colleague_data = change_form_data(client.get(url))

    colleague_data["phone"] = "021 111"
    assert client.post(url, colleague_data).status_code == 302

    client.force_login(manager)
    manager_data["phone"] = "021 999"
    response = client.post(url, manager_data)
    assert response.status_code == 200
    saved_at = timezone.localtime(member.history.first().history_date).strftime("%H:%M")
    expected = (
        f"This member was changed by colleague at {saved_at} since you opened it; "
        "reload to see their changes."
    )
    assert expected in response.content.decode()
    member.refresh_from_db()
    assert member.phone == "021 111"


def test_a_save_after_reloading_goes_through(manager_client, make_member):
    member = make_member(phone="021 000")
    url = reverse("admin:members_member_change", args=[member.pk])
    first = change_form_data(manager_client.get(url))
    first["phone"] = "021 111"
    manager_client.post(url, first)
    second = change_form_data(manager_client.get(url))
    second["phone"] = "021 222"
    assert manager_client.post(url, second).status_code == 302
    member.refresh_from_db()
    assert member.phone == "021 222"


# --- Freshness and completeness -----------------------------------------------------------------


def listed(client, **params):
    response = client.get(reverse(CHANGELIST), params)
    return sorted(m.name for m in response.context["cl"].result_list)


def test_the_changelist_filters_members_not_verified_in_twelve_months(manager_client, make_member):
    today = timezone.localdate()
    make_member(name="Fresh SRL", verified_on=today - datetime.timedelta(days=30))
    make_member(name="Stale SRL", verified_on=today - datetime.timedelta(days=400))
    make_member(name="Never SRL", verified_on=None)
    assert listed(manager_client, verified="stale") == ["Never SRL", "Stale SRL"]
    assert listed(manager_client, verified="recent") == ["Fresh SRL"]


def test_the_changelist_filters_members_missing_english_or_romanian_text(manager_client, make_member):
    both = {
        "short_description_ro": "ro",
        "description_ro": "ro",
        "short_description_en": "en",
        "description_en": "en",
    }
    make_member(name="Both SRL", **both)
    make_member(name="No English SRL", **{**both, "description_en": ""})
    make_member(name="No Romanian SRL", **{**both, "short_description_ro": ""})
    assert listed(manager_client, missing="en") == ["No English SRL"]
    assert listed(manager_client, missing="ro") == ["No Romanian SRL"]


def test_the_completeness_column_names_what_is_missing(manager_client, make_member, competences):
    member = make_member(
        name="Almost SRL",
        short_description_ro="ro",
        description_ro="ro",
        short_description_en="en",
        description_en="en",
        competences=competences[:2],
    )
    ContactPerson.objects.create(member=member, name="Ion Pop")
    page = manager_client.get(reverse(CHANGELIST)).content.decode()
    assert "4/5" in page
    assert "missing: logo" in page


def test_the_changelist_with_completeness_does_not_grow_queries_with_members(
    manager_client, make_member, competences, localities, django_assert_max_num_queries
):
    for i in range(60):
        member = make_member(
            locality=localities[i % len(localities)], competences=competences[i % 5 : i % 5 + 2]
        )
        if i % 2:
            ContactPerson.objects.create(member=member, name=f"Contact {i}")
    # session, user, composition, counts (2), page rows + locality + 2 EXISTS subqueries in one
    # query, filter lookups (competences, counties), plus the admin's own bookkeeping.
    with django_assert_max_num_queries(14):
        response = manager_client.get(reverse(CHANGELIST))
    assert response.content.decode().count('class="field-completeness"') == 50


def test_staff_who_may_only_view_cannot_mark_members_verified(client, staff_viewer, make_member):
    staff_viewer.user_permissions.add(Permission.objects.get(codename="view_member"))
    member = make_member(verified_on=None)
    client.force_login(staff_viewer)
    client.post(reverse(CHANGELIST), {"action": "mark_verified", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.verified_on is None


def test_staff_who_may_only_view_contacts_cannot_publish_one_through_its_history_page(
    client, django_user_model, make_member
):
    contact = ContactPerson.objects.create(member=make_member(), name="Ana Pop", email="ana@example.ro")
    version = contact.history.latest()
    viewer = django_user_model.objects.create_user("viewer", password="a-long-password-123", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_contactperson"))
    client.force_login(viewer)
    url = f"/admin/members/contactperson/{contact.pk}/history/{version.history_id}/"
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "member": contact.member_id,
            "name": "Ana Pop",
            "email": "ana@example.ro",
            "public_consent": "on",
            "consent_given_at_0": "2026-01-01",
            "consent_given_at_1": "10:00",
            "consent_method": "forged",
        },
    )

    assert response.status_code == 403
    contact.refresh_from_db()
    assert not contact.public_consent
    assert not ContactPerson.objects.public().exists()
