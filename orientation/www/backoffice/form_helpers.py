"""What the back-office's forms share."""

from __future__ import annotations

from typing import Any

from django import forms

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def field(form: forms.Form, name: str) -> Any:
    """A field of the form, to set its choices or queryset (typed as a plain Field by the stubs)."""
    return form.fields[name]
