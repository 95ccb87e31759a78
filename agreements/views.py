from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from common.forms import page_number
from common.private_files import serve_private_file

from .models import Agreement, Signature

PAGE_SIZE = 20


@require_safe
def agreement_list(request):
    agreements = (
        Agreement.objects.public()
        .with_signatory_count()
        .defer("summary")
        .order_by("-signed_on", "-pk")
    )
    paginator = Paginator(agreements, PAGE_SIZE)
    page_obj = paginator.get_page(page_number(request.GET))
    return render(
        request,
        "agreements/agreement_list.html",
        {"page_obj": page_obj, "agreements": page_obj.object_list},
    )


def agreement_chain(agreement):
    """The public agreements before and after this one, oldest first, in one query.

    The whole table is small (a few agreements a year), so it is read once and walked in
    Python rather than one query per link. Private links are skipped, not followed: the chain
    continues through them.
    """
    rows = {
        row["pk"]: row
        for row in Agreement.objects.values(
            "pk",
            "predecessor_id",
            "is_public",
            "title",
            "slug",
            "signed_on",
            "signed_on_precision",
            "kind",
        )
    }
    successor_of = {row["predecessor_id"]: pk for pk, row in rows.items() if row["predecessor_id"]}
    before, seen = [], {agreement.pk}
    pk = rows[agreement.pk]["predecessor_id"] if agreement.pk in rows else None
    while pk is not None and pk not in seen:
        seen.add(pk)
        before.append(rows[pk])
        pk = rows[pk]["predecessor_id"]
    after = []
    pk = successor_of.get(agreement.pk)
    while pk is not None and pk not in seen:
        seen.add(pk)
        after.append(rows[pk])
        pk = successor_of.get(pk)
    kinds = dict(Agreement.Kind.choices)
    chain = [*reversed(before), None, *after]
    result = []
    for row in chain:
        if row is None:
            result.append({"current": True, "agreement": agreement})
        elif row["is_public"]:
            result.append({**row, "kind_label": kinds.get(row["kind"], ""), "current": False})
    return result


@require_safe
def agreement_detail(request, slug):
    agreement = get_object_or_404(Agreement.objects.public(), slug=slug)
    signatures = list(
        Signature.objects.filter(agreement=agreement)
        .select_related("organization")
        .only(
            "signed_on",
            "withdrawn_on",
            "organization__name",
            "organization__slug",
            "organization__membership_status",
        )
        .order_by("signed_on", "organization__name")
    )
    chain = agreement_chain(agreement)
    previous = next(
        (link for link, following in zip(chain, chain[1:], strict=False) if following["current"]),
        None,
    )
    following = next(
        (link for preceding, link in zip(chain, chain[1:], strict=False) if preceding["current"]),
        None,
    )
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "signatures": signatures,
            "chain": chain if len(chain) > 1 else [],
            "previous_agreement": previous,
            "next_agreement": following,
            "document_available": bool(agreement.document)
            and (
                agreement.document_is_public
                or Agreement.objects.documents_visible_to(request.user)
                .filter(pk=agreement.pk)
                .exists()
            ),
        },
    )


@require_safe
def agreement_document(request, slug):
    """The signed PDF, for whoever may read it (see Agreement.objects.documents_visible_to).

    A document that is not public is personal: no shared cache keeps it.
    """
    agreement = get_object_or_404(
        Agreement.objects.documents_visible_to(request.user).only(
            "pk", "slug", "document", "is_public", "document_is_public"
        ),
        slug=slug,
    )
    response = serve_private_file(
        agreement.document, filename=f"{agreement.slug}.pdf", as_attachment=False
    )
    if not (agreement.is_public and agreement.document_is_public):
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
