from django.apps import AppConfig


class InterestsConfig(AppConfig):
    name = "orientation.interests"
    verbose_name = "Centres d’intérêt"
