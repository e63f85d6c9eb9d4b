from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "orientation.territories"
    label = "territories"
