import io

import pytest
from django.urls import reverse
from PIL import Image

from members.models import Member


def png_bytes(size=(64, 40), color=(200, 30, 30, 255)):
    buffer = io.BytesIO()
    Image.new("RGBA", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def test_anonymous_visitors_are_sent_to_the_admin_login(client, db):
    response = client.get(reverse("admin:members_member_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_permission_are_refused_the_member_list(client, staff_without_rights):
    client.force_login(staff_without_rights)
    response = client.get(reverse("admin:members_member_changelist"))
    assert response.status_code == 403


def test_staff_with_view_permission_cannot_change_a_member(client, staff_viewer, make_member):
    member = make_member()
    client.force_login(staff_viewer)
    response = client.post(reverse("admin:members_member_change", args=[member.pk]), {"name": "Hacked"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.name != "Hacked"


def test_changelist_shows_the_cluster_composition(manager_client, make_member):
    for _ in range(3):
        make_member(category=Member.Category.ENTERPRISE)
    make_member(category=Member.Category.RD)
    response = manager_client.get(reverse("admin:members_member_changelist"))
    text = response.content.decode()
    assert "3 enterprises" in text
    assert "1 R&amp;D entity" in text
    assert "0 catalyzers" in text


def test_changelist_query_count_does_not_grow_with_members(
    manager_client, make_member, competences, localities, django_assert_max_num_queries
):
    for i in range(60):
        make_member(locality=localities[i % len(localities)], competences=competences[i % 5 : i % 5 + 3])
    # session, user, composition, counts (2), page rows + locality, filter lookups
    # (competences, counties), plus the admin's own bookkeeping.
    with django_assert_max_num_queries(14):
        response = manager_client.get(reverse("admin:members_member_changelist"))
    assert response.status_code == 200
    assert response.content.decode().count('class="field-name"') >= 50


def test_change_form_query_count_is_bounded(
    manager_client, make_member, competences, django_assert_max_num_queries
):
    member = make_member(competences=competences[:4])
    with django_assert_max_num_queries(16):
        response = manager_client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert response.status_code == 200
    assert member.name in response.content.decode()


def test_changelist_search_finds_words_without_diacritics(manager_client, make_member):
    make_member(name="Tehnică Avansată SRL")
    make_member(name="Alt Membru SRL")
    response = manager_client.get(reverse("admin:members_member_changelist"), {"q": "tehnica"})
    names = [m.name for m in response.context["cl"].result_list]
    assert names == ["Tehnică Avansată SRL"]


def test_changelist_search_finds_a_fiscal_code(manager_client, make_member):
    make_member(name="Cu Cod SRL", fiscal_code="18547290")
    make_member(name="Fără Cod SRL")
    response = manager_client.get(reverse("admin:members_member_changelist"), {"q": "18547290"})
    assert [m.name for m in response.context["cl"].result_list] == ["Cu Cod SRL"]


def test_the_manager_can_create_a_member_with_a_logo_and_competences(manager_client, competences, localities):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "name": "Senzori Noi SRL",
        "slug": "",
        "category": "enterprise",
        "fiscal_code": "RO 18547290",
        "competences": [competences[0].pk, competences[1].pk],
        "locality": localities[0].pk,
        "is_published": "on",
        "logo": SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = manager_client.post(reverse("admin:members_member_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = Member.objects.get(name="Senzori Noi SRL")
    assert member.fiscal_code == "18547290"
    assert member.slug == "senzori-noi-srl"
    assert set(member.competences.all()) == {competences[0], competences[1]}
    assert member.logo.name.startswith("logos/") and "logo" not in member.logo.name.split("/")[1]


def test_publish_and_unpublish_actions_change_only_the_selected_members(manager_client, make_member):
    hidden = make_member(is_published=False)
    other = make_member(is_published=False)
    url = reverse("admin:members_member_changelist")
    manager_client.post(url, {"action": "publish", "_selected_action": [hidden.pk]})
    hidden.refresh_from_db()
    other.refresh_from_db()
    assert hidden.is_published and not other.is_published
    manager_client.post(url, {"action": "unpublish", "_selected_action": [hidden.pk]})
    hidden.refresh_from_db()
    assert not hidden.is_published
    assert hidden.history.count() == 3  # created, published, unpublished


@pytest.mark.parametrize("model", ["competence", "locality", "competencegroup", "contactperson"])
def test_reference_data_is_editable_in_the_admin(manager_client, model):
    response = manager_client.get(reverse(f"admin:members_{model}_changelist"))
    assert response.status_code == 200
