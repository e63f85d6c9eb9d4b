from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "orientation.ingestion"
    label = "ingestion"
