"""Render Django form fields with Bootstrap Italia's classes (account pages)."""

from django import forms, template

register = template.Library()


def _css_class(widget) -> str:
    # Bootstrap Italia styles checkboxes, radios and selects by their wrapper
    # (.form-check, .select-wrapper), text inputs by .form-control.
    choice = forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple | forms.Select
    return "" if isinstance(widget, choice) else "form-control"


@register.filter
def bi_widget(bound_field):
    """The field's widget with ``form-control`` (and ``is-invalid`` when it has errors)."""
    widget = bound_field.field.widget
    classes = [widget.attrs.get("class", ""), _css_class(widget)]
    if bound_field.errors:
        classes.append("is-invalid")
    css = " ".join(c for c in classes if c)
    return bound_field.as_widget(attrs={"class": css} if css else None)


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def is_select(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.Select) and not isinstance(
        bound_field.field.widget, forms.RadioSelect
    )
