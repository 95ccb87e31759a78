"""The breadcrumb tag: one partial for every page's breadcrumb."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation


def render(source, **context):
    with translation.override("en"):
        return Template("{% load i18n distretto_tags %}" + source).render(Context(context))


def items(html):
    return [line.strip() for line in html.splitlines() if "<li" in line]


def test_it_renders_home_then_the_current_page():
    html = render("{% breadcrumb %}{% translate 'Agreements' %}{% endbreadcrumb %}")

    assert '<nav class="breadcrumb-container" aria-label="Breadcrumb">' in html
    assert items(html) == [
        '<li class="breadcrumb-item"><a href="/en/">Home</a><span class="separator">/</span></li>',
        '<li class="breadcrumb-item active" aria-current="page">Agreements</li>',
    ]


def test_it_links_the_parents_by_url_name_or_by_address():
    html = render(
        '{% breadcrumb _("Welfare services") "services:service-list" title path %}'
        "{% translate 'Send a request' %}{% endbreadcrumb %}",
        title="Nido & co",
        path="/en/servizi/nido/",
    )

    assert items(html)[1:] == [
        '<li class="breadcrumb-item"><a href="/en/servizi/">Welfare services</a>'
        '<span class="separator">/</span></li>',
        '<li class="breadcrumb-item"><a href="/en/servizi/nido/">Nido &amp; co</a>'
        '<span class="separator">/</span></li>',
        '<li class="breadcrumb-item active" aria-current="page">Send a request</li>',
    ]


def test_it_leaves_out_a_parent_without_a_label():
    html = render('{% breadcrumb missing "area:dashboard" %}<b>x</b>{% endbreadcrumb %}')

    assert len(items(html)) == 2
    assert '<li class="breadcrumb-item active" aria-current="page"><b>x</b></li>' in html


def test_it_escapes_the_current_page_like_any_template_output():
    html = render("{% breadcrumb %}{{ title }}{% endbreadcrumb %}", title="<script>")

    assert "&lt;script&gt;" in html
    assert "<script>" not in html


def test_it_refuses_a_parent_without_an_address():
    with pytest.raises(TemplateSyntaxError):
        render('{% breadcrumb _("Partners") %}x{% endbreadcrumb %}')
