"""The interests questionnaire: balanced statements, answers checked by statement, scores and
code, and the ranking of occupations documented in ``orientation.interests.scoring``."""

from __future__ import annotations

from collections import Counter

import pytest

from orientation.interests.questionnaire import TYPES, AnswersError, check_answers, questionnaire
from orientation.interests.scoring import FicheTypes, fit, profile, rank
from orientation.interests.selectors import proposals_for
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
    assert rank(flat, [FicheTypes("R1101", "Menuisier", "R")]) == []


def test_a_strongly_realistic_profile_gets_the_fiches_whose_major_is_r_first():
    fiches = [
        FicheTypes("K2111", "Formation professionnelle", "S", "E"),
        FicheTypes("H2206", "Réalisation de menuiserie", "R", "C"),
        FicheTypes("A1203", "Aménagement d’espaces verts", "R", ""),
        FicheTypes("H1206", "Management et ingénierie études", "I", "R"),
        FicheTypes("A1101", "Conduite d’engins agricoles", "R", ""),
    ]
    proposals = rank(profile(answers_loving("R")), fiches)
    assert [p.code for p in proposals] == ["A1101", "A1203", "H2206", "H1206", "K2111"]  # equal fits: by code
    assert proposals[0].fit == 100.0
    assert proposals[0].why.startswith("vous aimez : réparer un appareil qui ne marche plus ; ")
    assert proposals[0].why.endswith("ce métier demande un profil réaliste")


def test_among_fiches_of_one_major_type_the_skills_that_call_on_the_persons_interests_come_first():
    realistic = profile(answers_loving("R", others=1))
    cooking = FicheTypes(
        "G1602", "Personnel de cuisine", "R", "",
        skill_weights={"R": 6, "C": 2},
        skill_examples={"R": ["Préparer et cuisiner des plats"], "C": ["Tenir un stock"]},
    )  # fmt: skip
    serving = FicheTypes(
        "G1801", "Service en restauration", "R", "",
        skill_weights={"S": 6, "E": 2}, skill_examples={"S": ["Accueillir et servir la clientèle"]},
    )  # fmt: skip
    bare = FicheTypes("G1603", "Personnel polyvalent", "R", "")
    proposals = rank(realistic, [serving, bare, cooking])
    assert [p.code for p in proposals] == ["G1603", "G1602", "G1801"]
    assert proposals[0].fit == fit(realistic, "R", "")  # no typed skill: its own fit alone
    assert proposals[1].fit < proposals[0].fit  # the skills' fit is counted, a third of the whole
    assert proposals[1].why.endswith("par exemple : préparer et cuisiner des plats")
    assert "par exemple" not in proposals[2].why  # its skills are of types the person does not favour


def test_equal_fits_are_ranked_by_the_rome_code_whatever_the_order_given():
    result = profile(answers_loving("S", "E"))
    fiches = [FicheTypes(code, f"Fiche {code}", "S", "E") for code in ("K2111", "K1201", "M1503", "E1101")]
    first = [p.code for p in rank(result, fiches)]
    assert first == sorted(first)
    assert [p.code for p in rank(result, list(reversed(fiches)))] == first


@pytest.mark.real_data
@pytest.mark.django_db
def test_on_the_rome_the_first_proposals_of_a_social_profile_are_social_fiches(open_data):
    run_command("import_rome", str(open_data / "rome"))
    fiches = list(RomeFiche.objects.values_list("code", "title", "riasec_major", "riasec_minor", "skill_riasec"))
    assert sum(1 for fiche in fiches if fiche[2]) > 500  # the ROME gives most fiches a major type
    # the RIASEC of the macro-skills reaches most fiches
    assert sum(1 for fiche in fiches if fiche[4].get("weights")) > 900
    social = profile(answers_loving("S", others=1))
    proposals = proposals_for(social, limit=20).proposals
    majors = {code: major for code, _title, major, _minor, _skills in fiches}
    assert len(proposals) == 20
    assert all(majors[p.code] == "S" for p in proposals)
    assert sum("par exemple" in p.why for p in proposals) >= 15
    # a realistic profile's first proposals are R-major fiches, in the cooking domain when asked
    realistic = proposals_for(profile(answers_loving("R", others=1)), limit=10, domain="G").proposals
    assert realistic
    assert all(majors[p.code] == "R" and p.code.startswith("G") for p in realistic)


@pytest.mark.django_db
def test_the_level_filter_keeps_the_fiches_whose_onisep_sheet_needs_at_most_that_level():
    run_command("load_demo_data")
    social = profile(answers_loving("S", "I", others=1))
    every = proposals_for(social, limit=100)
    nurse = next(p for p in every.proposals if p.code == "J1506")  # Onisep: infirmier, bac + 3
    assert nurse
    up_to_bac = proposals_for(social, limit=100, level="bac")
    assert "J1506" not in {p.code for p in up_to_bac.proposals}
    assert up_to_bac.unknown_level > 0  # fiches without an Onisep sheet are said to be left out
    up_to_bac3 = proposals_for(social, limit=100, level="bac3")
    assert "J1506" in {p.code for p in up_to_bac3.proposals}
