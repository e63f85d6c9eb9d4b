from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "orientation.www"
    label = "www"
