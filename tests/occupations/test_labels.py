import pytest

from orientation.occupations.labels import gendered_forms


@pytest.mark.parametrize(
    ("label", "masculine", "feminine"),
    [
        (
            "Conducteur / Conductrice d'engins agricoles",
            "Conducteur d'engins agricoles",
            "Conductrice d'engins agricoles",
        ),
        ("Secrétaire médicosocial / Secrétaire médicosociale", "Secrétaire médicosocial", "Secrétaire médicosociale"),
        (
            "Ingénieur / Ingénieure Chef / Cheffe de projet CVC",
            "Ingénieur Chef de projet CVC",
            "Ingénieure Cheffe de projet CVC",
        ),
        ("Manucure", "Manucure", "Manucure"),
        (
            "Chef de rayon boucherie/charcuterie",
            "Chef de rayon boucherie/charcuterie",
            "Chef de rayon boucherie/charcuterie",
        ),
    ],
)
def test_gendered_forms_follow_the_rome_writing(label, masculine, feminine):
    assert gendered_forms(label) == (masculine, feminine)
