from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "orientation.api"
    label = "api"
