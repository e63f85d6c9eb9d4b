from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "orientation.directory"
    label = "directory"
