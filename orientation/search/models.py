"""What operators edit about search: the synonyms of common words."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Synonym(models.Model):
    """A word people type, and what it means in the catalogue ("nounou" → "garde d'enfant")."""

    term = models.CharField(_("mot tapé"), max_length=100, unique=True)
    expansion = models.CharField(_("équivaut à"), max_length=300)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("synonyme")
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"


class SearchEntry(models.Model):
    """One indexed document, for the PostgreSQL full-text backend (SEARCH_BACKEND=postgres).

    ``document`` is the weighted tsvector (title A, other names B, text C) in the
    ``fr_unaccent`` configuration; the GIN index on it, the configuration and the
    extensions exist on PostgreSQL only (see the migration).
    """

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=50)
    title = models.TextField()
    names = models.TextField(blank=True)
    body = models.TextField(blank=True)
    subtitle = models.TextField(blank=True)
    spelling = models.TextField(blank=True)
    tags = models.JSONField(default=list)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    weight = models.FloatField(default=0)
    #: a training's next session start (Sort.START)
    starts_on = models.DateField(null=True)
    # A column of type tsvector; SQLite stores nothing in it (the table serves PostgreSQL only).
    document = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("entrée de l’index de recherche")
        verbose_name_plural = _("entrées de l’index de recherche")
        indexes = [models.Index(fields=["kind", "key"], name="search_entry_kind_key")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class IndexVersion(models.Model):
    """A version of the Tantivy index built by the worker and published for every web host
    (``search.publication``): its files as a tar archive in ``IndexChunk`` rows, usable once
    ``complete``."""

    stamp = models.CharField(_("version"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("publiée le"), auto_now_add=True)
    size = models.BigIntegerField(_("taille (octets)"), default=0)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    complete = models.BooleanField(_("complète"), default=False)

    class Meta:
        verbose_name = _("version publiée de l’index")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.stamp


class IndexChunk(models.Model):
    version = models.ForeignKey(IndexVersion, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="one_chunk_per_number")]

    def __str__(self) -> str:
        return f"{self.version_id} #{self.number}"
