"""Empty nginx's proxy cache (or any shared cache kept as files) at once, rather than waiting for
HTTP_CACHE_SECONDS: e.g. right after a withdrawn consent, to be sure no copy of the old page is
served. nginx rebuilds its index of the directory by itself."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Delete every file in the proxy cache directory (PROXY_CACHE_DIR, or --dir)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="The cache directory (default: PROXY_CACHE_DIR).")

    def handle(self, *args, dir=None, **options):
        directory = Path(dir or settings.PROXY_CACHE_DIR or "")
        if not str(directory) or str(directory) == "." or not directory.is_dir():
            raise CommandError("Name nginx's proxy_cache_path directory: PROXY_CACHE_DIR or --dir.")
        removed = 0
        for entry in directory.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                removed += sum(1 for path in entry.rglob("*") if path.is_file())
                shutil.rmtree(entry)
            else:
                entry.unlink()
                removed += 1
        self.stdout.write(f"Removed {removed} cached answers from {directory}.")
