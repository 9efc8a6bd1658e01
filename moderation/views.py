"""The report form: linked from every profile, job, question, review and message as
"Report". Signed-in people only (anonymous visitors go to the log-in page first)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from core import once
from core.exceptions import ApplicationError, PermissionDenied
from jobs.web import errors_to_form

from . import services, targets
from .forms import ReportForm


@login_required
def report(request, kind, target_id):
    target = targets.for_reporter(request.user, kind, target_id)  # 404 unless they may see it
    if target.owner_id == request.user.pk:
        return render(request, "moderation/report.html", {"target": target, "own": True}, status=403)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with once.submit_once(request, scope="moderation.report") as claim:
                    _, created = services.report_create(
                        actor=request.user, target_kind=kind, target_id=target.id, request=request,
                        reason=form.cleaned_data["reason"], details=form.cleaned_data["details"])
                    claim.done(target.url)
            except once.AlreadySubmitted as repeat:
                return redirect(repeat.result_url or target.url)
            except PermissionDenied as exc:
                form.add_error(None, exc.message)
                status = 403
            except ApplicationError as exc:
                errors_to_form(form, exc)
                status = exc.status_code
            else:
                messages.success(request, "Thank you. Our moderators will look at it; nobody is told who reported it."
                                 if created else "You have already reported this; our moderators will look at it.")
                return redirect(target.url)
        else:
            status = 400
    return render(request, "moderation/report.html", {"form": form, "target": target}, status=status)
