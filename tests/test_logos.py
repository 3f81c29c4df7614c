"""Logo uploads: every kind of bad file is refused with a clear message; good ones are re-encoded."""

import io
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from members import logos
from members.models import Member


def noisy_png(size):
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).save(buffer, "PNG")
    return buffer.getvalue()


def image_bytes(image_format, size=(120, 80), mode="RGB", color=(20, 120, 200), **save_args):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, image_format, **save_args)
    return buffer.getvalue()


def jpeg_with_exif():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0131] = "Secret Editor 1.0"  # Software
    return image_bytes("JPEG", exif=exif.tobytes())


def animated(image_format):
    frames = [Image.new("RGB", (40, 40), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, image_format, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def upload(content, name="logo.png"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_jpeg_is_re_encoded_without_its_exif():
    original = jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif()[0x010F] == "SpyCam Inc."
    cleaned = logos.clean_logo(upload(original, "photo.jpg"))
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert b"SpyCam" not in cleaned.read()


def test_a_transparent_png_keeps_its_transparency():
    original = image_bytes("PNG", mode="RGBA", color=(255, 0, 0, 0))
    image = Image.open(io.BytesIO(logos.clean_logo(upload(original)).read()))
    assert image.format == "PNG"
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


def test_a_still_webp_is_accepted():
    image = Image.open(io.BytesIO(logos.clean_logo(upload(image_bytes("WEBP"), "logo.webp")).read()))
    assert image.format == "WEBP" and image.size == (120, 80)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not an image at all, just text", "not a PNG, JPEG or WebP image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG is not accepted"),
        (noisy_png((200, 200))[:20000], "damaged or incomplete"),
        (animated("GIF"), "not a PNG, JPEG or WebP image"),
        (animated("WEBP"), "Animated or multi-frame"),
        (animated("PNG"), "Animated or multi-frame"),
        (image_bytes("PNG", size=(5000, 4000), mode="1", color=1), "16 megapixels"),
        (image_bytes("PNG", size=(6000, 6000), mode="1", color=1), "16 megapixels"),  # a bomb: > 2 × limit
    ],
    ids=[
        "text",
        "svg",
        "truncated-png",
        "animated-gif",
        "animated-webp",
        "animated-png",
        "20-mp",
        "36-mp-bomb",
    ],
)
def test_bad_files_are_refused_with_a_clear_message(content, message):
    with pytest.raises(ValidationError, match=message):
        logos.clean_logo(upload(content))


def test_a_file_over_two_megabytes_is_refused_by_its_size():
    big = upload(noisy_png((1800, 1800)))  # a real, valid image: only its size is wrong
    assert big.size > 2 * 1024 * 1024
    with pytest.raises(ValidationError, match="larger than 2 MB"):
        logos.clean_logo(big)


def member_form_data(name, logo):
    return {
        "name": name,
        "category": "enterprise",
        "logo": logo,
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }


def test_the_admin_form_shows_the_logo_error_and_saves_nothing(manager_client):
    data = member_form_data("Cu SVG SRL", upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg"))
    response = manager_client.post(reverse("admin:members_member_add"), data)
    assert response.status_code == 200
    assert "SVG is not accepted" in response.content.decode()
    assert not Member.objects.filter(name="Cu SVG SRL").exists()


def test_the_admin_stores_a_re_encoded_logo_under_a_generated_name_and_shows_a_preview(manager_client):
    data = member_form_data("Cu Logo SRL", upload(jpeg_with_exif(), "my company logo.jpg"))
    assert manager_client.post(reverse("admin:members_member_add"), data).status_code == 302
    member = Member.objects.get(name="Cu Logo SRL")
    assert member.logo.name.startswith("logos/") and member.logo.name.endswith(".jpg")
    assert "company" not in member.logo.name
    with member.logo.open("rb") as stored:
        assert dict(Image.open(stored).getexif()) == {}
    page = manager_client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert '<img src="/media/cache/' in page


def test_admin_thumbnails_fit_inside_the_box_without_distortion_and_keep_transparency(manager_client):
    wide = image_bytes("PNG", size=(200, 100), mode="RGBA", color=(0, 0, 0, 0))
    data = member_form_data("Lat SRL", upload(wide, "wide.png"))
    assert manager_client.post(reverse("admin:members_member_add"), data).status_code == 302
    page = manager_client.get(reverse("admin:members_member_changelist")).content.decode()
    match = re.search(r'<img src="/media/(cache/[^"]+)" width="(\d+)" height="(\d+)"', page)
    assert (match[2], match[3]) == ("48", "24")
    thumbnail = Image.open(settings.MEDIA_ROOT / match[1])
    assert thumbnail.mode == "RGBA" and thumbnail.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize(
    "size, message",
    [
        ((8001, 10), "wider or taller than 8,000 pixels"),
        ((10, 8001), "wider or taller than 8,000 pixels"),
        ((2100, 100), "more than 20 times as long as it is wide"),
        ((100, 2001), "more than 20 times as long as it is wide"),
    ],
)
def test_a_logo_too_long_on_one_side_or_too_narrow_is_refused(size, message):
    with pytest.raises(ValidationError, match=message):
        logos.clean_logo(upload(image_bytes("PNG", size=size, mode="1", color=0)))


def test_a_logo_of_8000_by_400_pixels_is_accepted():
    logos.clean_logo(upload(image_bytes("PNG", size=(8000, 400), mode="1", color=0)))


def test_the_admin_form_says_why_a_one_pixel_high_logo_is_refused(manager_client):
    data = member_form_data("Subtire SRL", upload(image_bytes("PNG", size=(15_999, 1), mode="1", color=0)))
    response = manager_client.post(reverse("admin:members_member_add"), data)
    assert response.status_code == 200
    assert "wider or taller than 8,000 pixels" in response.content.decode()
    assert not Member.objects.filter(name="Subtire SRL").exists()


def test_saving_a_logo_makes_its_public_thumbnails_at_once(manager_client):
    wide = image_bytes("PNG", size=(200, 100), mode="RGBA", color=(0, 0, 0, 0))
    data = member_form_data("Lat SRL", upload(wide, "wide.png"))
    assert manager_client.post(reverse("admin:members_member_add"), data).status_code == 302
    member = Member.objects.get(name="Lat SRL")
    assert member.logo_thumbnails["source"] == member.logo.name
    name, width, height = member.logo_thumbnails["96x96"]
    assert (width, height) == (96, 48)
    thumbnail = Image.open(settings.MEDIA_ROOT / name)
    assert thumbnail.size == (96, 48) and thumbnail.mode == "RGBA"
    assert member.logo_thumbnails["160x160"][1:] == [160, 80]


def test_a_profile_shows_the_stored_thumbnail_without_opening_an_image(client, manager_client, monkeypatch):
    data = member_form_data("Profil SRL", upload(image_bytes("PNG", size=(300, 300)), "square.png"))
    data["is_published"] = "on"
    assert manager_client.post(reverse("admin:members_member_add"), data).status_code == 302
    member = Member.objects.get(name="Profil SRL")
    monkeypatch.setattr(Image, "open", lambda *args, **kwargs: pytest.fail("an image was opened"))
    page = Client(headers={"accept-language": "en"}).get(member.get_absolute_url()).content.decode()
    assert f'src="/media/{member.logo_thumbnails["160x160"][0]}" width="160" height="160"' in page


def test_demo_data_logos_get_their_thumbnails_when_drawn(db):
    from django.core.files.base import ContentFile

    from members.demo_data import draw_logo

    member = Member.objects.create(name="Demo SRL", slug="demo-srl", category="enterprise")
    member.logo.save(
        "demo.png",
        ContentFile(
            draw_logo("DS", {"background": (18, 52, 86), "accent": (255, 255, 255), "shape": "circle"})
        ),
        save=True,
    )
    member.refresh_from_db()
    assert set(member.logo_thumbnails) == {"source", "96x96", "160x160"}
