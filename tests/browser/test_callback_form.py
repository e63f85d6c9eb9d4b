"""« Être rappelé » in real Chromium: a bad number is refused, saying why, with no
accessibility violation on the page with its error; a good one schedules the callback."""

from __future__ import annotations

from orientation.contact.models import Callback
from tests.browser.conftest import axe_violations, open_page


def test_the_callback_form_refuses_a_bad_number_then_takes_a_good_one(browser, portal):
    page = open_page(browser, portal, "callback-form")
    page.get_by_label("Votre numéro de téléphone").fill("02 54 78")
    page.get_by_role("combobox", name="Vous êtes").select_option("parent")
    page.get_by_role("combobox", name="Votre question porte sur").select_option("scolarite")
    page.get_by_label("le matin (9 h – 12 h)").check(force=True)
    page.get_by_label("J’accepte que mon numéro soit gardé").check(force=True)
    page.get_by_role("button", name="Demander à être rappelé").click()
    page.wait_for_load_state()
    assert page.get_by_text("n’est pas un numéro de téléphone valide").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Votre numéro de téléphone").fill("02 54 78 54 87")
    page.get_by_label("J’accepte que mon numéro soit gardé").check(force=True)
    page.get_by_role("button", name="Demander à être rappelé").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Demande de rappel enregistrée").is_visible()
    assert axe_violations(page) == []
    assert Callback.objects.filter(number="+33254785487").exists()
    page.context.close()
