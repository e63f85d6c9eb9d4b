from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "orientation.operations"
    verbose_name = "Exploitation de la plateforme"
