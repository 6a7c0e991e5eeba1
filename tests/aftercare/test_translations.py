"""The translations are Django's gettext catalogues: `locale/<language>/LC_MESSAGES/django.po`,
with the compiled `.mo` committed beside it so that no machine needs GNU gettext to run.

The `.mo` is what Django reads, the `.po` what people edit: compiling the `.po` again with a
pure-Python compiler (polib) must give exactly the catalogue of the committed `.mo`, so the two
never drift (bin/compile-messages writes the `.mo`)."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(mo: Path) -> dict:
    with mo.open("rb") as data:
        return dict(gettext.GNUTranslations(data)._catalog)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_is_the_po_compiled(language, tmp_path):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    polib.pofile(str(po)).save_as_mofile(str(compiled))
    assert catalogue(po.with_suffix(".mo")) == catalogue(compiled)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated_and_none_is_a_guess(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert po.metadata["Language"] == language
