import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orientation.ingestion.errors import InputError
from orientation.ingestion.readers import iter_json_array, iter_xml_elements, read_csv


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_read_csv_yields_rows_with_their_line(tmp_path):
    path = write(tmp_path / "a.csv", b'code,label\n1,"un"\n2,"deux\nlignes"\n3,trois\n')
    rows = list(read_csv(path, required_columns=["code"]))
    assert [(row.line, row["code"], row["label"]) for row in rows] == [
        (2, "1", "un"),
        (3, "2", "deux\nlignes"),
        (5, "3", "trois"),
    ]


def test_read_csv_names_a_missing_required_column(tmp_path):
    path = write(tmp_path / "a.csv", b"code,libelle\n1,un\n")
    with pytest.raises(InputError) as error:
        list(read_csv(path, required_columns=["code", "label"]))
    assert error.value.problem.file == "a.csv"
    assert error.value.problem.field == "label"
    assert "colonne obligatoire absente" in str(error.value)


def test_read_csv_names_the_line_of_a_broken_row(tmp_path):
    path = write(tmp_path / "a.csv", b"code,label\n1,un\n2,deux,en trop\n")
    with pytest.raises(InputError) as error:
        list(read_csv(path))
    assert error.value.problem.line == 3
    assert "3 champs au lieu de 2" in str(error.value)


def test_read_csv_refuses_a_wrong_encoding_and_names_the_line(tmp_path):
    path = write(tmp_path / "a.csv", "code,label\n1,un\n2,Chât\n".encode("latin-1"))
    with pytest.raises(InputError) as error:
        list(read_csv(path))
    assert error.value.problem.line == 3
    assert "UTF-8" in str(error.value)


def test_read_csv_refuses_a_quote_left_open_by_truncation(tmp_path):
    path = write(tmp_path / "a.csv", b'code,label\n1,un\n2,"deux')
    with pytest.raises(InputError) as error:
        list(read_csv(path))
    assert error.value.problem.line == 3


def test_read_csv_reports_a_missing_file(tmp_path):
    with pytest.raises(InputError, match="fichier introuvable"):
        list(read_csv(tmp_path / "absent.csv"))


def test_iter_json_array_streams_items_with_their_line(tmp_path):
    path = write(tmp_path / "a.json", b'[\n{"a": 1},\n{"b": [1, 2]},\n  "x"\n]\n')
    assert list(iter_json_array(path, chunk_size=4)) == [(2, {"a": 1}), (3, {"b": [1, 2]}), (4, "x")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[\n{"a": 1},\n{"b": 2', "JSON invalide"),
        (b'[\n{"a": 1},\n', "fin de fichier"),
        (b'[{"a": 1},]', "virgule en trop"),
        (b'{"a": 1}', "ne commence pas par un tableau"),
        (b'[{"a": 1} {"b": 2}]', "« , » ou « ] » attendu"),
    ],
)
def test_iter_json_array_refuses_broken_files(tmp_path, content, message):
    path = write(tmp_path / "a.json", content)
    with pytest.raises(InputError, match=message):
        list(iter_json_array(path))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=5),
            st.one_of(st.integers(), st.text(max_size=20), st.floats(allow_nan=False), st.none(), st.booleans()),
            max_size=4,
        ),
        max_size=12,
    ),
    st.integers(min_value=1, max_value=64),
    st.booleans(),
)
def test_iter_json_array_reads_what_json_writes(tmp_path_factory, items, chunk_size, indent):
    path = tmp_path_factory.mktemp("json") / "items.json"
    path.write_text(json.dumps(items, indent=1 if indent else None, ensure_ascii=False), encoding="utf-8")
    assert [item for _line, item in iter_json_array(path, chunk_size=chunk_size)] == items


def test_iter_xml_elements_reports_truncation_with_its_line(tmp_path):
    path = write(tmp_path / "a.xml", b"<metiers>\n<metier><id>1</id></metier>\n<metier><id>2</id>\n")
    elements = iter_xml_elements(path, "metier")
    assert next(elements).findtext("id") == "1"
    with pytest.raises(InputError) as error:
        next(elements)
    assert error.value.problem.line is not None
    assert "XML mal formé" in str(error.value)


def test_iter_xml_elements_does_not_expand_an_entity_bomb(tmp_path):
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "&a{i - 1};&a{i - 1};&a{i - 1};">' for i in range(1, 12))
    path = write(
        tmp_path / "bomb.xml",
        f'<?xml version="1.0"?><!DOCTYPE m [{entities}]><metiers><metier><n>&a11;</n></metier></metiers>'.encode(),
    )
    texts = []
    try:
        for element in iter_xml_elements(path, "metier"):
            texts.append(element.findtext("n") or "")
    except InputError:
        pass  # refusing the file is as good as not expanding it
    assert all(len(text) < 1000 for text in texts)


def test_iter_xml_elements_does_not_read_external_entities(tmp_path):
    secret = write(tmp_path / "secret.txt", b"SECRET-CONTENT")
    path = write(
        tmp_path / "xxe.xml",
        f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file://{secret}">]>'
        f"<metiers><metier><n>&x;</n></metier></metiers>".encode(),
    )
    texts = []
    try:
        for element in iter_xml_elements(path, "metier"):
            texts.append(element.findtext("n") or "")
    except InputError:
        pass
    assert not any("SECRET-CONTENT" in text for text in texts)
