"""/aderisci/: an organisation applies to join, confirms the address, follows its
application at a private link and answers the coordinator's questions there."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.private_files import serve_private_file
from partners import actions
from partners.access import private, require_login
from partners.join_forms import ApplicationAnswerForm, MembershipApplicationForm
from partners.models import MembershipApplication
from partners.rules import is_coordinator


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_http_methods(["GET", "POST"])
def application_create(request):
    if request.method == "POST":
        form = MembershipApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            email_domains = data.pop("email_domains")
            certificate = data.pop("certificate", None)
            data.pop("privacy", None)
            try:
                application = actions.membership_application_submit(
                    fields=data, email_domains=email_domains, certificate=certificate
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return private(
                    render(request, "partners/application_sent.html", {"application": application})
                )
    else:
        form = MembershipApplicationForm()
    return private(render(request, "partners/application_form.html", {"form": form}))


@require_http_methods(["GET", "POST"])
def application_confirm(request, key):
    """The link of the confirmation mail: a page with one button (a mail scanner that opens
    the link confirms nothing), then the private status page."""
    application, expired = actions.membership_application_for_key(key)
    if expired:
        problem = _(
            "This confirmation link has expired: fill in the application again, and open the "
            "link within %(days)d days."
        ) % {"days": actions.APPLICATION_CONFIRM_DAYS}
        return private(
            render(request, "partners/application_problem.html", {"problem": problem}, status=410)
        )
    if application is None:
        raise Http404("Unknown confirmation link.")
    if application.status != MembershipApplication.Status.UNCONFIRMED:
        problem = _(
            "This application has already been confirmed: follow it at the private link in "
            "the latest message you received."
        )
        return private(render(request, "partners/application_problem.html", {"problem": problem}))
    # The button's value, not any POST: a stray request with other fields confirms nothing.
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            token = actions.membership_application_confirm(application=application)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _(
                    "Thank you: your application has reached the coordinator. Keep this "
                    "page's address (we have also sent it to you by e-mail) to follow it."
                ),
            )
            return redirect("join:application-status", token=token)
    return private(
        render(request, "partners/application_confirm.html", {"application": application})
    )


@require_http_methods(["GET", "POST"])
def application_status(request, token):
    application = MembershipApplication.objects.with_status_token(token).first()
    if application is None:
        raise Http404("Unknown status link.")
    waiting = application.status == MembershipApplication.Status.INFO_REQUESTED
    form = ApplicationAnswerForm(request.POST if request.method == "POST" and waiting else None)
    if request.method == "POST":
        if not waiting:
            messages.error(request, _("The coordinator is not waiting for an answer from you."))
            return redirect(request.path)
        if form.is_valid():
            try:
                actions.membership_application_answer(
                    application=application, answer=form.cleaned_data["answer"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your answer has been sent to the coordinator."))
                return redirect(request.path)
    context = {
        "application": application,
        "conversation": application.messages.all(),
        "form": form if waiting else None,
    }
    return private(render(request, "partners/application_status.html", context))


@require_login
def application_certificate(request, pk):
    """The certificate attached to an application: for the coordinator only."""
    if not is_coordinator(request.user):
        raise Http404("Not the coordinator.")
    application = get_object_or_404(MembershipApplication, pk=pk)
    return private(
        serve_private_file(application.certificate, filename=f"certificato-{application.pk}.pdf")
    )
