"""The coordinator's back office: site titles and the "needs attention" dashboard.

The default ``admin.site`` is kept (every app registers on it); its home page gets the
dashboard counts through a thin wrapper around the stock index view, and the
``templates/admin/index.html`` override shows them.
"""

from functools import wraps

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from distretto import (  # noqa: F401 - registers their pages
    admin_applications,
    admin_background,
)
from distretto.dashboard import attention_items
from distretto.exports import export_links
from partners.rules import is_coordinator

admin.site.site_header = _("Distretto Family Audit — coordinamento")
admin.site.site_title = _("Distretto Family Audit — coordinamento")
admin.site.index_title = _("Back office")

_stock_index = admin.site.index


@wraps(_stock_index)
def index_with_dashboard(request, extra_context=None):
    context = {
        "attention_items": attention_items(request.user),
        "export_links": export_links() if is_coordinator(request.user) else [],
    }
    context.update(extra_context or {})
    return _stock_index(request, extra_context=context)


# An instance attribute wins over the class method: AdminSite.get_urls() routes
# "admin:index" to ``self.index``, read when the root URLconf is first loaded.
admin.site.index = index_with_dashboard


def _quick_third_party_change_lists():
    """The accounts' and e-mail addresses' change lists (Django's and allauth's admin
    classes) are the district's longest (every person): one COUNT per page, 50 rows, as our
    own admin classes (common.admin_input.SafeInputAdminMixin)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    for model in (get_user_model(), EmailAddress):
        model_admin = admin.site._registry.get(model)
        if model_admin is not None:
            model_admin.show_full_result_count = False
            model_admin.list_per_page = 50


_quick_third_party_change_lists()
