"""Logo uploads: refuse what is not a small, still PNG/JPEG/WebP image; re-encode the rest.

Checks run cheapest first and the file is decoded only after its size and its header's
dimensions passed, so an upload cannot make the server decode a huge or malicious image.
Re-encoding drops EXIF (GPS positions, camera serials) and any other metadata, and whatever
else might hide in the original file.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 16_000_000
# Pillow warns above this and refuses above twice this (DecompressionBombError); set for every
# image this process opens, including sorl-thumbnail's, so no path decodes a bomb.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ACCEPTED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
MAX_SIDE = 8000  # pixels
MAX_ASPECT_RATIO = 20  # the long side over the short one
# The thumbnails public pages show (directory cards, profile); made when the logo is saved.
THUMBNAIL_SIZES = ("96x96", "160x160")


def clean_logo(upload):
    """Validate an uploaded logo and return it re-encoded as a ContentFile (or raise)."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The logo is larger than 2 MB; please send a smaller file."), code="too_big")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    image = _open(data)
    _check_header(image)
    _decode(image)
    return ContentFile(_reencode(image), name=f"logo.{ACCEPTED_FORMATS[image.format]}")


def _open(data):
    """Read the header only; anything Pillow cannot identify (SVG, PDF, text) is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationError(
            _("This file is not a PNG, JPEG or WebP image (SVG is not accepted)."), code="not_an_image"
        ) from None


def _too_many_pixels():
    return ValidationError(
        _("The logo is larger than 16 megapixels; please scale it down."), code="too_many_pixels"
    )


def _check_header(image):
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()
    if max(width, height) > MAX_SIDE:
        raise ValidationError(
            _("The logo is wider or taller than 8,000 pixels; please scale it down."), code="too_large_side"
        )
    if max(width, height) > MAX_ASPECT_RATIO * max(min(width, height), 1):
        raise ValidationError(
            _("The logo is more than 20 times as long as it is wide; please crop it."), code="too_narrow"
        )
    if getattr(image, "n_frames", 1) > 1 or getattr(image, "is_animated", False):
        raise ValidationError(_("Animated or multi-frame images are not accepted."), code="animated")


def _decode(image):
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):  # Pillow raises these for truncated or corrupt data
        raise ValidationError(
            _("The image file is damaged or incomplete; please export it again."), code="truncated"
        ) from None


def _reencode(image):
    image_format = image.format
    # Apply the EXIF rotation before the EXIF is dropped, so the logo keeps its orientation.
    image = ImageOps.exif_transpose(image)
    output = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(output, "JPEG", quality=90, optimize=True)
    elif image_format == "WEBP":
        has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
        image.convert("RGBA" if has_alpha else "RGB").save(output, "WEBP", quality=90)
    else:
        # PNG keeps its transparency; palette images keep their palette (smaller files).
        if image.mode not in ("RGBA", "RGB", "LA", "L", "P", "1"):
            image = image.convert("RGBA")
        params = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
        image.save(output, "PNG", optimize=True, **params)
    return output.getvalue()


def make_thumbnails(logo):
    """Draw the public thumbnails of a stored logo (a FieldFile) and store them as PNG files.

    Returns what Member.logo_thumbnails holds: {"source": the logo's name, geometry: [file name,
    width, height]}. Called when a logo is saved (members.signals), never while a page is
    served: pages only read the stored names and sizes. Thumbnails fit inside the box, keep the
    proportions and the transparency, and are never larger than the logo.
    """
    from django.core.files.storage import default_storage

    with logo.open("rb") as source:
        image = Image.open(source)
        _check_header(image)
        image.load()
    if image.mode not in ("RGBA", "RGB", "LA", "L"):
        image = image.convert("RGBA")
    stem = logo.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    result = {"source": logo.name}
    for geometry in THUMBNAIL_SIZES:
        box = tuple(int(side) for side in geometry.split("x"))
        thumbnail = image.copy()
        thumbnail.thumbnail(box, Image.Resampling.LANCZOS)
        output = io.BytesIO()
        thumbnail.save(output, "PNG", optimize=True)
        name = f"thumbs/{stem}-{geometry}.png"
        if default_storage.exists(name):
            default_storage.delete(name)
        name = default_storage.save(name, ContentFile(output.getvalue()))
        result[geometry] = [name, *thumbnail.size]
    return result
