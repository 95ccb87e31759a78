"""The employee's side of the needs survey: answer it, change the answer until it closes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partners.access import error_text, require_login
from services import actions
from services.forms import NeedsAnswerForm
from services.models import NeedsAnswer
from services.needs import may_answer, open_survey


@require_http_methods(["GET", "HEAD", "POST"])
@require_login
def needs_survey(request):
    if not may_answer(request.user):
        return render(request, "services/needs_survey_not_for_you.html", status=403)
    survey = open_survey(timezone.localdate())
    if survey is None:
        return render(request, "services/needs_survey.html", {"survey": None})
    answer = NeedsAnswer.objects.filter(survey=survey, respondent=request.user).first()
    if request.method == "POST":
        form = NeedsAnswerForm(request.POST)
        if form.is_valid():
            try:
                actions.needs_answer_save(
                    survey=survey,
                    actor=request.user,
                    categories=form.cleaned_data["categories"],
                    age_bands=form.cleaned_data["age_bands"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as refusal:
                form.add_error(None, error_text(refusal))
            else:
                messages.success(
                    request,
                    _("Thank you: your answer is saved. You can change it until %(date)s.")
                    % {"date": date_format(survey.closes_on)},
                )
                return redirect("services:needs-survey")
    elif answer is not None:
        form = NeedsAnswerForm(
            initial={
                "categories": list(answer.categories.values_list("pk", flat=True)),
                "age_bands": answer.age_bands,
                "comment": answer.comment,
            }
        )
    else:
        form = NeedsAnswerForm()
    return render(
        request, "services/needs_survey.html", {"survey": survey, "form": form, "answer": answer}
    )
