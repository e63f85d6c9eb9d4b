"""The passport as a PDF the person prints or sends (ReportLab): each section with its entries,
dates, places, organisations and skills; the documents are listed, not embedded."""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from orientation.accounts.models import User
from orientation.persons.documents import passport_entries
from orientation.persons.models import Entry, Section

#: a font with every French character (« œ », « ’ »): Debian's DejaVu when the machine has it,
#: else ReportLab's Helvetica (WinAnsi, which has them too)
FONT_FILES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)
BLUE_FRANCE = colors.HexColor("#000091")


@cache
def _fonts() -> tuple[str, str]:
    regular, bold = FONT_FILES
    if regular.is_file() and bold.is_file():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=18, textColor=BLUE_FRANCE),
        "section": ParagraphStyle(
            "section", parent=base["Heading2"], fontName=bold, fontSize=13, textColor=BLUE_FRANCE, spaceBefore=8
        ),
        "entry": ParagraphStyle("entry", parent=base["Heading4"], fontName=bold, fontSize=10.5, spaceBefore=4),
        "text": ParagraphStyle("text", parent=base["BodyText"], fontName=regular, fontSize=9.5, alignment=TA_LEFT),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=regular, fontSize=8, textColor=colors.grey),
    }


def _day(value: date | None) -> str:
    return date_format(value, "j F Y") if value else ""


def _when(entry: Entry) -> str:
    if entry.section == Section.PROJECT:
        due = f"échéance : {_day(entry.due_on)}" if entry.due_on else ""
        return " · ".join(filter(None, [due, "fait" if entry.done else ""]))
    if entry.started_on and entry.ended_on:
        return f"du {_day(entry.started_on)} au {_day(entry.ended_on)}"
    if entry.started_on:
        return f"depuis le {_day(entry.started_on)}"
    if entry.ended_on:
        label = "obtenu le" if entry.section in (Section.DIPLOMAS, Section.CERTIFICATIONS) else "le"
        return f"{label} {_day(entry.ended_on)}"
    return ""


def _entry_lines(entry: Entry) -> list[str]:
    lines = [
        " · ".join(filter(None, [entry.kind_label, entry.organisation, entry.place, _when(entry)])),
        " · ".join(
            filter(
                None,
                [
                    f"{entry.hours} heures" if entry.hours else "",
                    f"certification {entry.rncp_code}" if entry.rncp_code else "",
                    f"formation Onisep {entry.study.identifier}" if entry.study else "",
                    f"métier {entry.occupation.code} — {entry.occupation.title}" if entry.occupation else "",
                ],
            )
        ),
        entry.description,
    ]
    skills = [skill.label for skill in entry.skills.all()] + list(entry.free_skills)
    if skills:
        lines.append("Compétences : " + " ; ".join(skills))
    if entry.section == Section.INTERESTS and entry.data.get("scores"):
        scores = entry.data["scores"]
        lines.append("Scores : " + ", ".join(f"{kind} {scores[kind]:g}" for kind in "RIASEC" if kind in scores))
    documents = [attachment.name for attachment in entry.attachments.all()]
    if documents:
        lines.append("Documents joints (dans l’espace personnel) : " + ", ".join(documents))
    if entry.proposed_by_organisation is not None:
        lines.append(f"Ligne proposée par {entry.proposed_by_organisation.name}, acceptée par la personne.")
    return [line for line in lines if line]


def passport_pdf(person: User, sections: list[str] | None = None) -> bytes:
    """The passport (or the sections of a share) as a PDF document."""
    styles = _styles()
    buffer = io.BytesIO()
    name = person.get_full_name()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title="Passeport orientation-formation" + (f" de {name}" if name else ""),
        author="Orientation pour tous",
    )
    story: list[object] = [
        Paragraph("Passeport orientation-formation", styles["title"]),
        Paragraph(escape(name) if name else "", styles["text"]),
        Paragraph(
            f"Édité le {_day(timezone.localdate())} depuis l’espace personnel Orientation pour tous "
            "(Code du travail, art. L6315-2). Ce passeport appartient à la personne, qui décide de ce "
            "qu’elle montre et à qui.",
            styles["small"],
        ),
        Spacer(1, 4 * mm),
    ]
    by_section: dict[str, list[Entry]] = {}
    for entry in passport_entries(person, sections):
        by_section.setdefault(entry.section, []).append(entry)
    if not by_section:
        story.append(Paragraph("Ce passeport est vide pour l’instant.", styles["text"]))
    for section in Section:
        entries = by_section.get(section.value)
        if not entries:
            continue
        story.append(Paragraph(escape(str(section.label)), styles["section"]))
        for entry in entries:
            story.append(Paragraph(escape(entry.title), styles["entry"]))
            story.extend(Paragraph(escape(line).replace("\n", "<br/>"), styles["text"]) for line in _entry_lines(entry))
    document.build(story)
    return buffer.getvalue()
