"""What the back-office's forms share."""

from __future__ import annotations

from typing import Any

from django import forms

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def field(form: forms.Form, name: str) -> Any:
    """A field of the form, to set its choices or queryset (typed as a plain Field by the stubs)."""
    return form.fields[name]


class FrenchDateField(forms.DateField):
    """A date typed and shown the French way, « 03/12/2026 », whatever the browser's language
    (a ``type="date"`` input shows « mm/dd/yyyy » in a browser set to English)."""

    input_formats = ["%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%Y-%m-%d"]

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("help_text", "Au format jj/mm/aaaa, par exemple 03/12/2026.")
        kwargs.setdefault(
            "widget",
            forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "jj/mm/aaaa", "inputmode": "numeric"}),
        )
        kwargs.setdefault(
            "error_messages", {"invalid": "Date illisible : écrivez-la jj/mm/aaaa, par exemple 03/12/2026."}
        )
        super().__init__(**kwargs)
