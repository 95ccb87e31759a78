"""Template helpers shared by every page: language alternates, canonical URLs, dates."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import formats
from django.utils.translation import get_language_info

register = template.Library()


def _absolute(path):
    return f"{settings.SITE_URL}{path}"


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every language of the site.

    Each entry has the language `code`, its `name` in that language, the relative `url`
    (query string kept, so filters survive a switch), the absolute `href` without query string
    (for hreflang and canonical links) and whether it is the `current` language.
    """
    request = context.get("request")
    if request is None:
        return []
    current = context.get("LANGUAGE_CODE") or settings.LANGUAGE_CODE
    full_path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(full_path, code),
                "href": _absolute(translate_url(request.path, code)),
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def default_language_href(context):
    """Absolute address of the page in the default language, for hreflang="x-default"."""
    request = context.get("request")
    if request is None:
        return settings.SITE_URL + "/"
    return _absolute(translate_url(request.path, settings.LANGUAGE_CODE))


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's address on the public site, without query string."""
    request = context.get("request")
    return _absolute(request.path if request is not None else "/")


@register.filter
def precise_date(value, precision="day"):
    """Format a date only as precisely as it is known: day, month or year."""
    if not value:
        return ""
    if precision == "year":
        return formats.date_format(value, "Y")
    if precision == "month":
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


@register.simple_tag(takes_context=True)
def nav_state(context, view_name, section=""):
    """The aria-current value of a main navigation link.

    "page" on the linked page itself, "true" anywhere else in its `section`, "" elsewhere.
    `section` is a URL namespace (a partner profile marks the partner directory link) or,
    when it contains a colon, one more view name (the programme of an earlier year).
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None) if request is not None else None
    if match is None:
        return ""
    if match.view_name == view_name:
        return "page"
    current_section = match.view_name if ":" in section else match.namespace
    if section and section == current_section:
        return "true"
    return ""


@register.filter
def elided_page_range(page_obj, on_each_side=2):
    """Page numbers around the current page, with the paginator's ELLIPSIS for the gaps."""
    return page_obj.paginator.get_elided_page_range(
        page_obj.number, on_each_side=int(on_each_side), on_ends=1
    )
