"""Turn an admin add/change page into the POST data its form would send, to edit and post."""

import datetime

from django import forms


def _field_data(form, data: dict) -> None:
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        key = bound.html_name
        if isinstance(field, forms.FileField):
            continue
        if isinstance(field.widget, forms.MultiWidget):
            if isinstance(value, str):
                value = field.to_python(field.widget.decompress(value))
            if isinstance(value, datetime.datetime):
                data[f"{key}_0"], data[f"{key}_1"] = (
                    value.date().isoformat(),
                    value.strftime("%H:%M:%S"),
                )
            else:
                data[f"{key}_0"], data[f"{key}_1"] = "", ""
            continue
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
            continue
        if value is None:
            data[key] = ""
        elif isinstance(value, list | tuple):
            data[key] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, datetime.date):
            data[key] = value.isoformat()
        else:
            data[key] = getattr(value, "pk", value)


def page_data(response) -> dict:
    """The main form and every inline of an admin change (or add) page, as POST data."""
    data: dict = {}
    _field_data(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        for form in formset.forms:
            _field_data(form, data)
    return data
