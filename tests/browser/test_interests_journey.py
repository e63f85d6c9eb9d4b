"""A person on a phone answers the whole interests questionnaire, reads their profile, opens a
proposed occupation and finds there the studies and the trainings near Blois that lead to it."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations, open_page

#: the demo's fiches that some demo study leads to (orientation/demo/data/studies.json)
WITH_STUDIES = {"A1203", "F1602", "G1602", "I1309", "J1506", "M1805"}


@pytest.mark.parametrize(
    ("width", "javascript"),
    [(1280, True), (360, True), (360, False)],
    ids=["1280-javascript", "360-javascript", "360-no-javascript"],
)
def test_a_person_goes_from_the_questionnaire_to_studies_and_trainings_near_blois(browser, portal, width, javascript):
    page = open_page(
        browser, portal, "interests", viewport={"width": width, "height": 800}, java_script_enabled=javascript
    )
    page.set_default_timeout(15_000)
    page.get_by_role("link", name="Commencer").click()
    for screen in range(1, 10):
        page.wait_for_selector("h1")
        assert f"Écran {screen} sur 9" in page.locator("h1").inner_text()
        for fieldset in page.locator("fieldset[id^='q-']").all():
            item = fieldset.locator("input[type=radio]").first.get_attribute("name")
            # someone who likes working with their hands, tools and machines
            answer = "Énormément" if item.startswith("r") else "Pas du tout"
            fieldset.locator("label", has_text=re.compile(f"^{answer}$")).click()
        page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/interets/resultat/"))
    assert "Réaliste" in page.locator("main").inner_text()
    assert page.locator("svg").count() >= 1  # the profile drawn
    if javascript:  # axe runs in the page
        assert axe_violations(page) == []
    proposals = [link.get_attribute("href") for link in page.locator("main h3 a[href^='/metiers/']").all()]
    codes = [href.strip("/").split("/")[-1] for href in proposals]
    assert codes, "no occupation proposed"
    chosen = next(code for code in codes if code in WITH_STUDIES)
    page.locator(f"main h3 a[href='/metiers/{chosen}/']").click()
    page.wait_for_url(re.compile(f"/metiers/{chosen}/"))
    page.fill("#near-ou", "Blois")
    page.locator("#pres-de-vous").locator("xpath=..").get_by_role("button", name="Voir").click()
    page.wait_for_url(re.compile(r"ou=Blois"))
    near = page.locator("#pres-de-vous").locator("xpath=..").inner_text()
    assert "Les formations qui y mènent, à moins de 30 km de Blois" in near
    assert page.locator("#pres-de-vous").locator("xpath=..").locator("a[href^='/formations/']").count() >= 1
    studies = page.locator("#etudes").locator("xpath=..")
    assert "Les études qui y mènent" in studies.inner_text()
    study_link = studies.locator("a[href^='/etudes/']").first
    title = study_link.inner_text()
    study_link.click()
    page.wait_for_url(re.compile(r"/etudes/FOR\.\d+/"))
    assert page.locator("h1").inner_text() == title
    assert "ODbL" in page.locator("main").inner_text()
    if javascript:
        assert axe_violations(page) == []
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"the study page is {scrolled} px wide at {width}"
    page.context.close()
