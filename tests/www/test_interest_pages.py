"""The interests questionnaire as a person walks it: nine screens of six statements, back and
resume through the link, a statement left unanswered named, then the profile and occupations.
Nothing is stored: no cookie is set, the answers live in the link."""

from __future__ import annotations

import re

import pytest

from orientation.interests.questionnaire import questionnaire
from tests.occupations.factories import RomeFicheFactory

pytestmark = pytest.mark.django_db


def screen_answers(number: int, value: int) -> dict[str, str]:
    items = questionnaire().items[(number - 1) * 6 : number * 6]
    return {item.id: str(value if item.type != "S" else 4) for item in items}


def test_a_person_walks_the_nine_screens_to_a_profile_with_occupations(client):
    RomeFicheFactory(code="K1201", title="Action sociale", riasec_major="S", riasec_minor="E")
    intro = client.get("/interets/")
    assert "pas un test" in intro.content.decode()
    assert "Set-Cookie" not in intro.headers
    url, code = "/interets/questions/?ecran=1", ""
    for number in range(1, 10):
        page = client.get(url)
        assert page.status_code == 200
        assert f"Écran {number} sur 9" in page.content.decode()
        answers = screen_answers(number, 1)
        sent = client.get("/interets/questions/", {"ecran": number, "r": code, "envoye": "1", **answers})
        assert sent.status_code == 302
        url = sent["Location"]
        code = re.search(r"r=([0-9_]+)", url).group(1)
    assert url.startswith("/interets/resultat/")
    assert len(code) == 54
    result = client.get(url).content.decode()
    assert "Votre code : S<" in result  # social stands out; the five others tie, none is picked
    assert "/metiers/K1201/" in result
    assert "vous aimez : aider quelqu’un à apprendre quelque chose" in result.lower()
    assert '<title id="chart-title">' in result  # the chart says what it shows, and the table gives it
    assert not client.cookies


def test_a_statement_left_unanswered_is_named_and_the_others_are_kept(client):
    answers = screen_answers(1, 2)
    del answers["i1"]
    page = client.get("/interets/questions/", {"ecran": 1, "envoye": "1", **answers}).content.decode()
    assert "Une phrase est restée sans réponse" in page
    assert 'id="q-i1-error"' in page
    assert 'id="r1-2" name="r1" value="2" checked' in page  # what was answered is still chosen


def test_back_and_resume_keep_the_answers_and_an_unfinished_result_goes_to_what_is_left(client):
    first = client.get("/interets/questions/", {"ecran": 1, "envoye": "1", **screen_answers(1, 3)})
    code = re.search(r"r=([0-9_]+)", first["Location"]).group(1)
    second = client.get(first["Location"]).content.decode()
    assert f'href="/interets/questions/?ecran=1&amp;r={code}"' in second  # back to screen 1, answers kept
    assert 'value="3" checked' in client.get(f"/interets/questions/?ecran=1&r={code}").content.decode()
    assert "Reprendre où j’en étais" in client.get(f"/interets/?r={code}").content.decode()
    unfinished = client.get(f"/interets/resultat/?r={code}")
    assert unfinished.status_code == 302
    assert unfinished["Location"].startswith("/interets/questions/?ecran=2")


def test_a_flat_profile_says_so_and_proposes_no_occupation(client):
    RomeFicheFactory(code="K1201", title="Action sociale", riasec_major="S", riasec_minor="E")
    page = client.get("/interets/resultat/?r=" + "2" * 54).content.decode()
    assert "Aucun type ne ressort" in page
    assert "/metiers/K1201/" not in page


def test_occupations_are_filtered_by_domain_and_by_the_level_they_need(client):
    from tests.conftest import run_command

    run_command("load_demo_data")
    code = "".join("4" if item.type in "SI" else "1" for item in questionnaire().items)
    every = client.get("/interets/resultat/", {"r": code}).content.decode()
    assert 'href="/metiers/J1506/"' in every
    assert "Niveau d’études nécessaire, au plus" in every
    health = client.get("/interets/resultat/", {"r": code, "domaine": "J"}).content.decode()
    codes = re.findall(r'<h3 class="fr-h6 fr-mb-1v"><a href="/metiers/([A-N]\d{4})/"', health)
    assert codes
    assert all(found.startswith("J") for found in codes)
    short = client.get("/interets/resultat/", {"r": code, "niveau": "bac"}).content.decode()
    assert 'href="/metiers/J1506/"' not in short  # the Onisep sheet says bac + 3
    assert "sans fiche de l’Onisep qui dise le niveau nécessaire" in short
    ignored = client.get("/interets/resultat/", {"r": code, "domaine": "Z", "niveau": "doctorat"}).content.decode()
    assert 'href="/metiers/J1506/"' in ignored  # unknown filters are dropped, not errors


def test_an_adviser_attaches_the_result_to_an_interview_with_the_persons_consent(client):
    from orientation.referrals.models import Interview
    from tests.accounts.factories import MembershipFactory, UserFactory
    from tests.conftest import login_verified
    from tests.referrals.factories import InterviewFactory

    adviser = UserFactory(is_staff=True)
    membership = MembershipFactory(user=adviser)
    interview = InterviewFactory(organisation=membership.organisation, adviser=adviser)
    other = InterviewFactory()  # another organisation's
    code = "".join("4" if item.type == "S" else "1" for item in questionnaire().items)
    assert "Joindre ce résultat à un entretien" not in client.get("/interets/resultat/", {"r": code}).content.decode()
    login_verified(client, adviser)
    page = client.get("/interets/resultat/", {"r": code}).content.decode()
    assert "Joindre ce résultat à un entretien" in page
    assert f'<option value="{interview.pk}">' in page
    assert f'<option value="{other.pk}">' not in page
    refused = client.post("/gestion/accueil/interets/", {"r": code, "entretien": interview.pk}, follow=True)
    assert "Sans l’accord de la personne" in refused.content.decode()
    assert Interview.objects.get(pk=interview.pk).interests == {}
    assert (
        client.post("/gestion/accueil/interets/", {"r": code, "entretien": other.pk, "consent": "1"}).status_code == 404
    )
    done = client.post("/gestion/accueil/interets/", {"r": code, "entretien": interview.pk, "consent": "1"})
    assert done["Location"] == f"/gestion/accueil/{interview.pk}/"
    interview.refresh_from_db()
    assert interview.interests["code"] == "S"
    detail = client.get(f"/gestion/accueil/{interview.pk}/").content.decode()
    assert "Profil d’intérêts joint avec l’accord de la personne : S." in detail
