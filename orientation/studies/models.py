"""Initial education: the Onisep Idéo « fiches formations » (CAP, bac pro, BTS, BUT,
licence, master, diplôme d'ingénieur…), beside the continuing-training offer of
``trainings``.

A study leads to Onisep occupation sheets, and through them to ROME fiches; it names the
RNCP certification it prepares when it has one, which is how a study and a training
action that prepare the same certification find each other. Rich texts are sanitised
HTML. A study that a new national file no longer holds is closed (``closed_at``), never
deleted. Onisep's data is under the ODbL: what shows it says so (``ATTRIBUTION``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orientation.occupations.models import OnisepFiche

#: the attribution the ODbL asks of every page, API answer and export that carries the data
ATTRIBUTION = (
    "Fiches formations Idéo de l’Onisep (onisep.fr), sous licence ODbL : "
    "la base dérivée est offerte sous la même licence."
)
LICENCE_URL = "https://opendatacommons.org/licenses/odbl/1-0/"


class StudyQuerySet(models.QuerySet["Study"]):
    def open(self) -> StudyQuerySet:
        return self.filter(closed_at__isnull=True)


class Study(models.Model):
    identifier = models.CharField(_("identifiant Onisep"), max_length=20, unique=True)
    school_code = models.CharField(_("code scolarité"), max_length=20, blank=True)
    title = models.CharField(_("intitulé"), max_length=500)
    acronym = models.CharField(_("sigle"), max_length=100, blank=True)
    kind = models.CharField(_("type de formation"), max_length=200, blank=True)
    kind_acronym = models.CharField(_("sigle du type"), max_length=100, blank=True)
    duration = models.CharField(_("durée"), max_length=100, blank=True)
    certification_level = models.CharField(_("niveau de certification"), max_length=100, blank=True)
    level_code = models.CharField(_("niveau d’études (code Onisep)"), max_length=20, blank=True)
    level = models.CharField(_("niveau d’études"), max_length=100, blank=True)
    nsf_disciplines = models.JSONField(_("NSF (disciplines)"), default=list, blank=True)
    nsf_functions = models.JSONField(_("NSF (fonctions)"), default=list, blank=True)
    rncp_code = models.CharField(_("code RNCP"), max_length=20, blank=True, db_index=True)
    url = models.URLField(_("référentiel ou fiche RNCP"), max_length=1000, blank=True)
    certificate_natures = models.JSONField(_("nature du certificat"), default=list, blank=True)
    summary = models.TextField(_("descriptif"), blank=True)
    access = models.TextField(_("accès"), blank=True)
    expectations = models.TextField(_("attendus"), blank=True)
    further_studies_text = models.TextField(_("poursuites d’études (texte)"), blank=True)
    #: [{"kind": "poursuite d'études conditionnelle", "studies": ["CAP …", …]}]
    further_studies = models.JSONField(_("poursuites d’études"), default=list, blank=True)
    teaching_notes = models.JSONField(_("éléments d’enseignement"), default=list, blank=True)
    authority = models.CharField(_("sous tutelle de"), max_length=300, blank=True)
    #: [{"isbn", "title", "publisher", "year", "collection"}]
    publications = models.JSONField(_("publications de l’Onisep"), default=list, blank=True)
    web_sources = models.JSONField(_("sources en ligne"), default=list, blank=True)
    #: [{"id": "T-IDEO2.4449", "label": "administration de l'entreprise"}]
    domains = models.JSONField(_("domaines"), default=list, blank=True)
    #: the Onisep métiers the file names (MET.…), kept as published
    job_ids = models.JSONField(_("métiers visés (tels que publiés)"), default=list, blank=True)
    onisep_fiches = models.ManyToManyField(
        OnisepFiche, blank=True, related_name="studies", verbose_name=_("métiers visés")
    )
    onisep_created = models.DateField(_("créée chez l’Onisep le"), null=True, blank=True)
    onisep_modified = models.DateField(_("modifiée chez l’Onisep le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    closed_at = models.DateTimeField(_("retirée du fichier le"), null=True, blank=True)

    objects = StudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("étude (formation initiale)")
        verbose_name_plural = _("études (formation initiale)")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def onisep_url(self) -> str:
        return f"https://www.onisep.fr/http/redirection/formation/slug/{self.identifier}"
