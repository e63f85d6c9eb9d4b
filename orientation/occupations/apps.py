from django.apps import AppConfig


class OccupationsConfig(AppConfig):
    name = "orientation.occupations"
    label = "occupations"
