"""Template helpers shared by every page: language alternates, canonical URLs, dates."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info

from common.page_cache import cached_fragment

register = template.Library()


class CachedContentNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist, self.key = nodelist, key

    def render(self, context):
        key = self.key.resolve(context, ignore_failures=True) or ""
        return mark_safe(cached_fragment(key, lambda: self.nodelist.render(context)))


@register.tag
def cached_content(parser, token):
    """`{% cached_content key %}...{% endcached_content %}`: the enclosed part from the cache
    under `key` (common.page_cache.content_cache_key), rendered as usual when the key is
    empty or missing."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("cached_content takes one argument: the key")
    nodelist = parser.parse(("endcached_content",))
    parser.delete_first_token()
    return CachedContentNode(nodelist, parser.compile_filter(bits[1]))


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


class BreadcrumbNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, parents, nodelist):
        self.parents = parents
        self.nodelist = nodelist

    def render(self, context):
        values = [parent.resolve(context) for parent in self.parents]
        parents = [
            {"label": label, "url": target if "/" in str(target) else reverse(target)}
            for label, target in zip(values[::2], values[1::2], strict=True)
            if label
        ]
        current = mark_safe(self.nodelist.render(context).strip())
        partial = context.template.engine.get_template("includes/_breadcrumb.html")
        return partial.render(context.new({"parents": parents, "current": current}))


@register.tag
def breadcrumb(parser, token):
    """The page's breadcrumb: Home, the parent pages, then the current page.

    `{% breadcrumb label url label url %}current page{% endbreadcrumb %}` takes any number of
    (label, url) parent pairs, labels already translated (`_("Agreements")` or a variable set with
    `{% translate ... as name %}`); a url without "/" is a URL name to reverse, and a pair with
    an empty label is left out. The body, the current page, is ordinary template markup.
    """
    bits = token.split_contents()[1:]
    if len(bits) % 2:
        raise template.TemplateSyntaxError("breadcrumb takes (label, url) pairs")
    nodelist = parser.parse(("endbreadcrumb",))
    parser.delete_first_token()
    return BreadcrumbNode([parser.compile_filter(bit) for bit in bits], nodelist)
