from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "orientation.search"
    verbose_name = "Recherche"
