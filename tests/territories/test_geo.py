import pytest

from orientation.territories.geo import bounding_box, distance_km, is_in_france, planar_distance

BLOIS = (47.586, 1.336)
TOURS = (47.394, 0.685)


def test_distance_between_two_towns():
    # Blois–Tours is about 53 km as the crow flies.
    assert distance_km(*BLOIS, *TOURS) == pytest.approx(53.2, abs=1.0)
    assert distance_km(*BLOIS, *BLOIS) == 0


def test_bounding_box_contains_the_circle():
    min_lat, max_lat, min_lon, max_lon = bounding_box(*BLOIS, 60)
    assert min_lat < TOURS[0] < max_lat
    assert min_lon < TOURS[1] < max_lon
    tight = bounding_box(*BLOIS, 30)
    assert not tight[2] < TOURS[1] < tight[3]


def test_is_in_france_refuses_zero_and_swapped_coordinates():
    assert is_in_france(*BLOIS)
    assert is_in_france(-21.1, 55.5)  # La Réunion
    assert not is_in_france(0, 0)
    assert not is_in_france(1.336, 47.586)


@pytest.mark.parametrize(
    ("start", "end", "tolerance"),
    [
        ((47.586, 1.336), (47.793, 1.066), 1e-3),  # Blois–Vendôme, 30 km
        ((43.296, 5.370), (43.529, 5.447), 1e-3),  # Marseille–Aix, 27 km
        ((48.857, 2.352), (49.443, 1.100), 5e-3),  # Paris–Rouen, 112 km
    ],
)
def test_planar_distance_stays_close_to_the_great_circle(start, end, tolerance):
    exact = distance_km(*start, *end)
    assert planar_distance(*start)(*end) == pytest.approx(exact, rel=tolerance)
