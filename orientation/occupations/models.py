"""Occupations: the ROME 4.0 of France Travail and the Onisep Idéo sheets.

A ROME fiche groups job titles (appellations) around one occupation, with its
definition, how to access it, its skills and the occupations one can move to. Onisep
describes occupations for young people and their families; its sheets point to ROME
codes and are linked to the fiches that exist.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class GrandDomaine(models.Model):
    code = models.CharField(_("code"), max_length=1, unique=True)
    label = models.CharField(_("libellé"), max_length=200)

    class Meta:
        verbose_name = _("grand domaine")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class DomaineProfessionnel(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    grand_domaine = models.ForeignKey(
        GrandDomaine, on_delete=models.PROTECT, related_name="domaines", verbose_name=_("grand domaine")
    )

    class Meta:
        verbose_name = _("domaine professionnel")
        verbose_name_plural = _("domaines professionnels")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class Riasec(models.TextChoices):
    REALISTIC = "R", _("Réaliste")
    INVESTIGATIVE = "I", _("Investigateur")
    ARTISTIC = "A", _("Artistique")
    SOCIAL = "S", _("Social")
    ENTERPRISING = "E", _("Entreprenant")
    CONVENTIONAL = "C", _("Conventionnel")


class InterestCentre(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    definition = models.TextField(_("définition"), blank=True)

    class Meta:
        verbose_name = _("centre d’intérêt")
        verbose_name_plural = _("centres d’intérêt")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Sector(models.Model):
    """A sector of activity of the ROME; sub-sectors point to their sector."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    definition = models.TextField(_("définition"), blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("secteur")
    )

    class Meta:
        verbose_name = _("secteur d’activité")
        verbose_name_plural = _("secteurs d’activité")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Theme(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    label = models.CharField(_("libellé"), max_length=250)
    definition = models.TextField(_("définition"), blank=True)

    class Meta:
        verbose_name = _("thème")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class Skill(models.Model):
    """An item of the ROME referentials: know-how, soft skill, knowledge or work context."""

    class Kind(models.TextChoices):
        KNOW_HOW = "savoir_faire", _("Savoir-faire")
        SOFT_SKILL = "savoir_etre", _("Savoir-être professionnel")
        KNOWLEDGE = "savoir", _("Savoir")
        WORK_CONTEXT = "contexte", _("Contexte de travail")

    code = models.CharField(_("code OGR"), max_length=10, unique=True)
    label = models.CharField(_("libellé"), max_length=400)
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    category = models.CharField(_("catégorie"), max_length=200, blank=True)
    subcategory = models.CharField(_("sous-catégorie"), max_length=200, blank=True)
    #: a skill's macro-skill (« macro-compétence »), which the ROME gives a RIASEC type
    macro = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="skills",
        verbose_name=_("macro-compétence"),
    )
    #: a macro-skill's major and minor RIASEC types (unix_referentiel_macro_competence_riasec)
    riasec_major = models.CharField(_("RIASEC majeur"), max_length=1, choices=Riasec.choices, blank=True)
    riasec_minor = models.CharField(_("RIASEC mineur"), max_length=1, choices=Riasec.choices, blank=True)

    class Meta:
        verbose_name = _("compétence ou savoir")
        verbose_name_plural = _("compétences et savoirs")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class RomeFicheQuerySet(models.QuerySet["RomeFiche"]):
    def with_page_relations(self) -> RomeFicheQuerySet:
        """Everything the occupation page and API show, in a fixed number of queries."""
        return self.select_related("domaine__grand_domaine").prefetch_related(
            models.Prefetch("appellations", queryset=Appellation.objects.order_by("-is_main", "label")),
            models.Prefetch(
                "mobility_links",
                queryset=MobilityLink.objects.select_related("target").order_by("order", "target__code"),
            ),
            models.Prefetch("onisep_fiches", queryset=OnisepFiche.objects.order_by("name")),
            models.Prefetch(
                "skill_links", queryset=FicheSkill.objects.select_related("skill").order_by("skill__label")
            ),
            "interest_centres",
            "sectors",
        )


class RomeFiche(models.Model):
    code = models.CharField(_("code ROME"), max_length=5, unique=True)
    ogr_code = models.CharField(_("code OGR"), max_length=10, blank=True)
    title = models.CharField(_("intitulé"), max_length=250)
    domaine = models.ForeignKey(
        DomaineProfessionnel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fiches",
        verbose_name=_("domaine professionnel"),
    )
    definition = models.TextField(_("définition"), blank=True)
    access = models.TextField(_("accès à l’emploi"), blank=True)
    is_regulated = models.BooleanField(_("métier réglementé"), null=True, blank=True)
    is_executive = models.BooleanField(_("emploi de cadre"), null=True, blank=True)
    ecological_transition = models.CharField(_("transition écologique"), max_length=100, blank=True)
    digital_transition = models.CharField(_("transition numérique"), max_length=100, blank=True)
    demographic_transition = models.CharField(_("transition démographique"), max_length=100, blank=True)
    riasec_major = models.CharField(_("RIASEC majeur"), max_length=1, choices=Riasec.choices, blank=True)
    riasec_minor = models.CharField(_("RIASEC mineur"), max_length=1, choices=Riasec.choices, blank=True)
    #: what the fiche's skills say of the interests it calls on, from the RIASEC types of their
    #: macro-skills (``occupations.services.fiches_skill_riasec_refresh``):
    #: {"weights": {"R": 14, …}, "examples": {"R": ["Préparer et cuisiner des plats", …], …}}
    skill_riasec = models.JSONField(_("RIASEC de ses compétences"), default=dict, blank=True, editable=False)
    #: when the import last changed the fiche (the open data's updated_since=)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    interest_centres: models.ManyToManyField[InterestCentre, FicheInterest] = models.ManyToManyField(
        InterestCentre, through="FicheInterest", related_name="fiches", verbose_name=_("centres d’intérêt")
    )
    sectors: models.ManyToManyField[Sector, FicheSector] = models.ManyToManyField(
        Sector, through="FicheSector", related_name="fiches", verbose_name=_("secteurs d’activité")
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="fiches", verbose_name=_("thèmes"))

    objects = RomeFicheQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche ROME")
        verbose_name_plural = _("fiches ROME")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("www:occupation", kwargs={"code": self.code})

    @property
    def definition_sentences(self) -> list[str]:
        return [line for line in self.definition.splitlines() if line.strip()]

    @property
    def access_sentences(self) -> list[str]:
        return [line for line in self.access.splitlines() if line.strip()]


class Appellation(models.Model):
    """A job title of a fiche, as people write it, in both genders."""

    code = models.CharField(_("code OGR"), max_length=10, unique=True)
    fiche = models.ForeignKey(RomeFiche, on_delete=models.CASCADE, related_name="appellations", verbose_name=_("fiche"))
    label = models.CharField(_("libellé"), max_length=300)
    short_label = models.CharField(_("libellé court"), max_length=300, blank=True)
    masculine = models.CharField(_("forme masculine"), max_length=300)
    feminine = models.CharField(_("forme féminine"), max_length=300)
    is_main = models.BooleanField(_("appellation principale"), default=False)
    is_rarely_used = models.BooleanField(_("peu usitée"), default=False)
    is_regulated = models.BooleanField(_("emploi réglementé"), null=True, blank=True)
    is_executive = models.BooleanField(_("emploi de cadre"), null=True, blank=True)

    class Meta:
        verbose_name = _("appellation")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class MobilityLink(models.Model):
    """An occupation one can move to from a fiche, in the order the ROME gives."""

    source = models.ForeignKey(
        RomeFiche, on_delete=models.CASCADE, related_name="mobility_links", verbose_name=_("fiche d’origine")
    )
    target = models.ForeignKey(RomeFiche, on_delete=models.CASCADE, related_name="+", verbose_name=_("fiche cible"))
    order = models.PositiveSmallIntegerField(_("ordre"))

    class Meta:
        verbose_name = _("mobilité professionnelle")
        verbose_name_plural = _("mobilités professionnelles")
        ordering = ["source", "order"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="mobility_unique")]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code}"


class FicheSkill(models.Model):
    class Importance(models.TextChoices):
        CORE = "principale", _("cœur de métier")
        EMERGING = "emergente", _("émergente")
        OTHER = "", _("—")

    fiche = models.ForeignKey(RomeFiche, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="fiche_links")
    importance = models.CharField(_("importance"), max_length=10, choices=Importance.choices, blank=True)

    class Meta:
        verbose_name = _("compétence d’une fiche")
        verbose_name_plural = _("compétences des fiches")
        constraints = [models.UniqueConstraint(fields=["fiche", "skill"], name="fiche_skill_unique")]

    def __str__(self) -> str:
        return f"{self.fiche_id} — {self.skill_id}"


class FicheInterest(models.Model):
    fiche = models.ForeignKey(RomeFiche, on_delete=models.CASCADE)
    centre = models.ForeignKey(InterestCentre, on_delete=models.CASCADE)
    is_main = models.BooleanField(_("principal"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fiche", "centre"], name="fiche_interest_unique")]

    def __str__(self) -> str:
        return f"{self.fiche_id} — {self.centre_id}"


class FicheSector(models.Model):
    fiche = models.ForeignKey(RomeFiche, on_delete=models.CASCADE)
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE)
    is_main = models.BooleanField(_("principal"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fiche", "sector"], name="fiche_sector_unique")]

    def __str__(self) -> str:
        return f"{self.fiche_id} — {self.sector_id}"


class OnisepFiche(models.Model):
    """An Onisep Idéo occupation sheet. Rich texts are sanitised HTML."""

    identifier = models.CharField(_("identifiant Onisep"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=300)
    name_feminine = models.CharField(_("nom au féminin"), max_length=300, blank=True)
    name_masculine = models.CharField(_("nom au masculin"), max_length=300, blank=True)
    hook = models.TextField(_("accroche"), blank=True)
    nature_of_work = models.TextField(_("nature du travail"), blank=True)
    working_conditions = models.TextField(_("conditions de travail"), blank=True)
    skills = models.TextField(_("compétences requises"), blank=True)
    access = models.TextField(_("accès au métier"), blank=True)
    career = models.TextField(_("vie professionnelle"), blank=True)
    min_level = models.CharField(_("niveau minimum d’accès"), max_length=100, blank=True)
    min_trainings = models.JSONField(_("formations minimales requises"), default=list, blank=True)
    interests = models.JSONField(_("centres d’intérêt"), default=list, blank=True)
    sectors = models.JSONField(_("secteurs d’activité"), default=list, blank=True)
    statuses = models.JSONField(_("statuts"), default=list, blank=True)
    related_jobs = models.JSONField(_("métiers associés (tels que publiés)"), default=list, blank=True)
    rome_codes = models.JSONField(_("codes ROME publiés"), default=list, blank=True)
    rome_fiches = models.ManyToManyField(
        RomeFiche, blank=True, related_name="onisep_fiches", verbose_name=_("fiches ROME")
    )
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="+", verbose_name=_("métiers associés")
    )

    class Meta:
        verbose_name = _("fiche métier Onisep")
        verbose_name_plural = _("fiches métiers Onisep")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def onisep_url(self) -> str:
        return f"https://www.onisep.fr/http/redirection/metier/slug/{self.identifier}"


class OnisepSynonym(models.Model):
    fiche = models.ForeignKey(OnisepFiche, on_delete=models.CASCADE, related_name="synonyms")
    name = models.CharField(_("nom"), max_length=300)
    feminine = models.CharField(_("au féminin"), max_length=300, blank=True)
    masculine = models.CharField(_("au masculin"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("synonyme Onisep")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
