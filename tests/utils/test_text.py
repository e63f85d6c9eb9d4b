from orientation.utils.html import html_to_text, sanitise_html
from orientation.utils.text import place_name_key, repair_cp1252


def test_repair_cp1252_restores_apostrophes_and_ligatures():
    assert repair_cp1252("Centre d\x92information et d\x92orientation") == "Centre d’information et d’orientation"
    assert repair_cp1252("Centre régional des \x9cuvres universitaires") == "Centre régional des œuvres universitaires"
    assert repair_cp1252("Mission locale d'Angers") == "Mission locale d'Angers"


def test_place_name_key_joins_spellings_of_one_name():
    assert place_name_key("Saint-Étienne") == place_name_key("ST ETIENNE") == "SAINT ETIENNE"
    assert place_name_key("L'Haÿ-les-Roses") == "L HAY LES ROSES"
    assert place_name_key("Œuilly") == "OEUILLY"


def test_sanitise_html_keeps_structure_and_drops_scripts():
    dirty = '<h5>Titre</h5><p onclick="x()">Texte <script>alert(1)</script><a href="javascript:x">lien</a></p>'
    clean = sanitise_html(dirty)
    assert "<h5>Titre</h5>" in clean
    assert "onclick" not in clean
    assert "script" not in clean
    assert "javascript" not in clean
    assert html_to_text("<p>Un &amp; deux</p>") == "Un & deux"
