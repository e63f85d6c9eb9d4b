"""What the visitors of make test-production ask (bench/locustfile.py), kept apart from Locust
(which patches the standard library when imported) so that bench/production.py can ask the
engine the same searches in its own process."""

SEARCHES = ["infirmier", "agent securite", "cuisinier", "boulanger", "aide soignant", "electricien", "comptable"]
TOWNS = ["Blois", "Tours", "Orléans", "Paris", "Lyon", "Nantes"]
OCCUPATIONS = ["J1506", "K2503", "G1602", "D1102", "F1602", "M1203"]
