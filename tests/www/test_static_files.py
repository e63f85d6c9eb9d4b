from pathlib import Path

import dsfr
from django.core.files.storage import storages
from django.core.management import call_command

from config import settings as production_settings


def test_served_dsfr_stylesheet_is_byte_for_byte_the_package_one(settings, tmp_path):
    """The DSFR tags put integrity (SRI) hashes on their stylesheets: a storage that
    rewrites the CSS the pages link to (as the manifest storages do) makes browsers
    refuse it, and the site shows unstyled."""
    settings.STORAGES = production_settings.STORAGES
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    relative = "dsfr/dist/dsfr/dsfr.min.css"
    storage = storages["staticfiles"]
    linked = storage.stored_name(relative) if hasattr(storage, "stored_name") else relative
    original = Path(dsfr.__file__).parent / "static" / relative
    assert (tmp_path / linked).read_bytes() == original.read_bytes()
