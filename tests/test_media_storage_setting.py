"""MEDIA_STORAGE: where uploaded logos live, read from the environment once (settings.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW_STORAGE = (
    "from django.conf import settings; import json; print(json.dumps(settings.STORAGES['default']))"
)


def settings_with(**env):
    """Load the settings in a fresh interpreter with this environment: (exit code, output)."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "mechatrec.settings", "DEBUG": "True", **env}
    done = subprocess.run(
        [sys.executable, "-c", SHOW_STORAGE], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    return done.returncode, done.stdout + done.stderr


def test_logos_are_stored_on_the_local_disk_by_default():
    code, output = settings_with(MEDIA_STORAGE="")
    assert code == 0
    assert json.loads(output)["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_media_storage_uses_the_named_bucket_with_plain_urls():
    code, output = settings_with(
        MEDIA_STORAGE="s3", MEDIA_S3_BUCKET="mechatrec-logos", MEDIA_S3_ENDPOINT_URL="https://s3.example.ro"
    )
    assert code == 0
    storage = json.loads(output)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "mechatrec-logos"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.ro"
    assert storage["OPTIONS"]["querystring_auth"] is False


def test_s3_media_storage_without_a_bucket_stops_with_a_message():
    code, output = settings_with(MEDIA_STORAGE="s3", MEDIA_S3_BUCKET="")
    assert code != 0
    assert "MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET" in output


def test_an_unknown_media_storage_stops_with_a_message():
    code, output = settings_with(MEDIA_STORAGE="ftp")
    assert code != 0
    assert "MEDIA_STORAGE must be 'filesystem' or 's3', not 'ftp'" in output
