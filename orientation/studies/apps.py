from django.apps import AppConfig


class StudiesConfig(AppConfig):
    name = "orientation.studies"
    verbose_name = "Études et diplômes"
