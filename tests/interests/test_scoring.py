"""The interests questionnaire: balanced statements, answers checked by statement, scores and
code, and the ranking of occupations documented in ``orientation.interests.scoring``."""

from __future__ import annotations

from collections import Counter

import pytest

from orientation.interests.questionnaire import TYPES, AnswersError, check_answers, questionnaire
from orientation.interests.scoring import profile, rank
from orientation.occupations.models import RomeFiche
from tests.conftest import run_command


def answers_loving(*types: str, others: int = 0) -> dict[str, int]:
    """Every statement of these types answered « énormément », the others ``others``."""
    top = questionnaire().top
    return {item.id: top if item.type in types else others for item in questionnaire().items}


def test_each_type_has_the_same_number_of_statements_each_its_own():
    items = questionnaire().items
    counts = Counter(item.type for item in items)
    assert set(counts) == set(TYPES)
    assert len(set(counts.values())) == 1, counts
    assert 48 <= len(items) <= 60
    assert len({item.id for item in items}) == len(items)
    assert len({item.text for item in items}) == len(items)


def test_answers_that_are_not_a_full_set_on_the_scale_are_refused_naming_the_statement():
    answers: dict[str, object] = dict(answers_loving("R"))
    answers.pop("r1")
    answers["i2"] = 7
    answers["a3"] = "beaucoup"
    answers["z9"] = 1
    with pytest.raises(AnswersError) as refused:
        check_answers(answers)
    assert refused.value.problems == {
        "i2": "réponse hors de l’échelle 0 à 4 : 7",
        "a3": "réponse illisible : 'beaucoup'",
        "z9": "énoncé inconnu",
        "r1": "sans réponse",
    }
    assert check_answers(answers_loving("S")) == answers_loving("S")


def test_scores_and_code_follow_the_answers_and_ties_keep_the_riasec_order():
    strong = profile(answers_loving("S", "A", "E"))
    assert strong.scores["S"] == strong.scores["A"] == strong.scores["E"] == 100.0
    assert strong.scores["R"] == 0.0
    assert strong.code == "ASE"  # equal scores: R, I, A, S, E, C order
    answers = answers_loving("S", "A")
    for item_id in ("e1", "e2", "e3"):
        answers[item_id] = 4
    assert profile(answers).code == "ASE"
    assert not strong.flat
    # One type stands out and the five others are equal: the code names that one only.
    assert profile(answers_loving("I", others=1)).code == "I"
    answers = answers_loving("E", "C", others=1)
    assert profile(answers).code == "EC"


def test_a_flat_profile_says_so_and_proposes_nothing():
    flat = profile(answers_loving(others=2))
    assert flat.flat
    assert flat.code == ""
    assert set(flat.scores.values()) == {50.0}
    assert rank(flat, [("R1101", "Menuisier", "R", "")]) == []


def test_a_strongly_realistic_profile_gets_the_fiches_whose_major_is_r_first():
    fiches = [
        ("K2111", "Formation professionnelle", "S", "E"),
        ("H2206", "Réalisation de menuiserie", "R", "C"),
        ("A1203", "Aménagement d’espaces verts", "R", ""),
        ("H1206", "Management et ingénierie études", "I", "R"),
        ("A1101", "Conduite d’engins agricoles", "R", ""),
    ]
    proposals = rank(profile(answers_loving("R")), fiches)
    assert [p.code for p in proposals] == ["A1101", "A1203", "H2206", "H1206", "K2111"]  # equal fits: by code
    assert proposals[0].fit == 100.0
    assert proposals[0].why.startswith("vous aimez : réparer un appareil qui ne marche plus ; ")
    assert proposals[0].why.endswith("ce métier demande un profil réaliste")


@pytest.mark.real_data
@pytest.mark.django_db
def test_on_the_rome_the_first_proposals_of_a_social_profile_are_social_fiches(open_data):
    run_command("import_rome", str(open_data / "rome"))
    fiches = list(RomeFiche.objects.values_list("code", "title", "riasec_major", "riasec_minor"))
    assert sum(1 for fiche in fiches if fiche[2]) > 500  # the ROME gives most fiches a major type
    proposals = rank(profile(answers_loving("S", others=1)), fiches, limit=20)
    majors = {code: major for code, _title, major, _minor in fiches}
    assert len(proposals) == 20
    assert all(majors[p.code] == "S" for p in proposals)
