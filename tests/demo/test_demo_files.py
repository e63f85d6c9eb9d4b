"""The demo's content is in data files anyone can edit: each holds together, and a broken one
says which file and where."""

import json

import pytest

from orientation.demo import content


def test_the_demo_files_refer_to_each_other_consistently():
    regions = {code for code, _name, _zone in content.REGIONS}
    departments = {code for code, _name, region in content.DEPARTMENTS if region in regions}
    assert len(departments) == len(content.DEPARTMENTS)
    assert all(row[2] in departments for row in content.COMMUNES)
    domaines = {code for code, _label in content.DOMAINES}
    assert {code[0] for code in domaines} <= {code for code, _label in content.GRAND_DOMAINES}
    occupations = {row[0] for row in content.OCCUPATIONS}
    assert all(row[1] in domaines for row in content.OCCUPATIONS)
    assert all(set(row[7]) <= occupations for row in content.OCCUPATIONS), "mobility to an unknown occupation"
    assert set(content.FORMATIONS) <= occupations
    assert {row[0] for row in content.COMMUNES} >= content.BIG_TOWNS


def test_a_broken_demo_file_names_itself_and_the_place(tmp_path, monkeypatch):
    (tmp_path / "territories.json").write_text('{"regions": [\n  {"code": "24",}\n]}', encoding="utf-8")
    monkeypatch.setattr(content, "DATA", tmp_path)
    with pytest.raises(ValueError, match=r"territories\.json, ligne 2, colonne 17"):
        content.read("territories")


def test_every_file_says_what_it_holds():
    for path in content.DATA.glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["_about"], path.name
