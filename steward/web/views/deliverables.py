"""交付物: versioned documents, who signed which exact version when, and signing or rejecting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from steward.accounts.access import get_engagement_for
from steward.accounts.api_auth import current_person
from steward.accounts.models import Person
from steward.engagements.models import (
    Deliverable,
    DeliverableVersion,
    Engagement,
    Signature,
    SignatureDecision,
    VersionStatus,
)
from steward.engagements.services import add_version, decide_version
from steward.web.forms import RejectVersionForm, SignForm, VersionUploadForm
from steward.web.views.shell import shell
from steward.web.views.steps import attempt, get_visible

# Recurring reports (weekly, monthly) appear once they are close: a year of empty weekly
# reports would bury the documents that need attention now.
UPCOMING = dt.timedelta(days=14)


@dataclass(frozen=True)
class SignerLine:
    person: Person
    signature: Signature | None  # on the latest version


@dataclass(frozen=True)
class DeliverableRow:
    deliverable: Deliverable
    latest: DeliverableVersion | None
    earlier: list[DeliverableVersion]
    signers: list[SignerLine]
    may_decide: bool  # a named signer who has not yet decided on the latest version
    due_at: dt.datetime | None
    late: bool  # nothing delivered and the duty's due time has passed
    reject_form: RejectVersionForm | None = None
    upload_form: VersionUploadForm | None = None
    open_form: str = ""  # the form to show unfolded: the one that just failed
    refused: str = ""


def _rows(person: Person, engagement: Engagement) -> tuple[list[DeliverableRow], int]:
    versions = DeliverableVersion.objects.order_by("-number").select_related("created_by")
    signatures = Signature.objects.select_related("person").order_by("signed_at")
    items = engagement.deliverables.select_related("duty").prefetch_related(
        "signers",
        Prefetch("versions", queryset=versions.prefetch_related(Prefetch("signatures", signatures))),
    )
    now = timezone.now()
    horizon = now + UPCOMING
    rows, later = [], 0
    for item in items:
        all_versions = list(item.versions.all())
        due_at = item.duty.due_at if item.duty else None
        if not all_versions and item.period and (due_at is None or due_at > horizon):
            later += 1
            continue
        latest = all_versions[0] if all_versions else None
        on_latest = {s.person_id: s for s in latest.signatures.all()} if latest else {}
        signers = [SignerLine(p, on_latest.get(p.pk)) for p in item.signers.all()]
        may_decide = (
            latest is not None
            and latest.status == VersionStatus.AWAITING
            and any(line.person.pk == person.pk and line.signature is None for line in signers)
        )
        late = latest is None and due_at is not None and due_at < now
        rows.append(DeliverableRow(item, latest, all_versions[1:], signers, may_decide, due_at, late))
    rows.sort(key=lambda r: (r.due_at or r.deliverable.created_at, r.deliverable.pk))
    return rows, later


def _tab(
    request: HttpRequest,
    person: Person,
    engagement: Engagement,
    *,
    bound: dict[str, Any] | None = None,
    refused: str = "",
    refused_at: int | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    rows, later = _rows(person, engagement)
    shown = []
    for row in rows:
        pk = row.deliverable.pk
        # Each row's forms get their own ids, so thirty upload fields do not share one label.
        reject = bound.get(f"reject-{pk}") or RejectVersionForm(auto_id=f"reject{pk}_%s")
        upload = bound.get(f"upload-{pk}") or VersionUploadForm(auto_id=f"upload{pk}_%s")
        failed = next((key.split("-")[0] for key in bound if key.endswith(f"-{pk}")), "")
        shown.append(
            replace(
                row,
                reject_form=reject,
                upload_form=upload,
                open_form=failed,
                refused=refused if refused_at == pk else "",
            )
        )
    context = shell(person, engagement, "deliverables")
    context.update(
        rows=shown,
        later=later,
        # A refusal that belongs to no one row is shown at the top.
        refused=refused if refused_at is None else "",
        decisions=SignatureDecision,
    )
    return render(request, "web/engagement_deliverables.html", context, status=status)


@require_safe
@login_required
def deliverables_tab(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    return _tab(request, person, get_engagement_for(person, engagement_id))


def _back(deliverable: Deliverable) -> HttpResponse:
    url = reverse("web:engagement_deliverables", args=[deliverable.engagement_id])
    return redirect(f"{url}#deliverable-{deliverable.pk}")


@require_POST
@login_required
def version_upload(request: HttpRequest, deliverable_id: int) -> HttpResponse:
    person = current_person(request)
    deliverable = get_visible(Deliverable.objects.select_related("engagement"), person, deliverable_id)
    form = VersionUploadForm(request.POST, request.FILES, auto_id=f"upload{deliverable.pk}_%s")
    key = f"upload-{deliverable.pk}"
    if not form.is_valid():
        return _tab(request, person, deliverable.engagement, bound={key: form}, status=400)
    done = attempt(
        lambda: add_version(
            deliverable, person, upload=form.cleaned_data["file"], note=form.cleaned_data["note"]
        ),
        form,
    )
    if not done.ok:
        return _tab(
            request,
            person,
            deliverable.engagement,
            bound={key: form},
            refused=done.refused,
            refused_at=deliverable.pk,
            status=done.status,
        )
    messages.success(
        request,
        _("已上传第 %(number)d 版“%(title)s”，等待签字。")
        % {"number": done.value.number if done.value else 0, "title": deliverable.title},
    )
    return _back(deliverable)


def _version_for(
    request: HttpRequest, person: Person, deliverable_id: int, number: int
) -> DeliverableVersion:
    deliverable = get_visible(Deliverable.objects.select_related("engagement"), person, deliverable_id)
    return get_object_or_404(deliverable.versions.select_related("deliverable__engagement"), number=number)


def _client_ip(request: HttpRequest) -> str | None:
    # The address the signature records; a reverse proxy in front must pass the real one on.
    return request.META.get("REMOTE_ADDR") or None


@require_POST
@login_required
def version_sign(request: HttpRequest, deliverable_id: int, number: int) -> HttpResponse:
    return _decide(request, deliverable_id, number, sign=True)


@require_POST
@login_required
def version_reject(request: HttpRequest, deliverable_id: int, number: int) -> HttpResponse:
    return _decide(request, deliverable_id, number, sign=False)


def _decide(request: HttpRequest, deliverable_id: int, number: int, *, sign: bool) -> HttpResponse:
    person = current_person(request)
    version = _version_for(request, person, deliverable_id, number)
    deliverable = version.deliverable
    form: SignForm = (
        SignForm(request.POST)
        if sign
        else RejectVersionForm(request.POST, auto_id=f"reject{deliverable.pk}_%s")
    )
    key = f"reject-{deliverable.pk}"
    if not form.is_valid():
        if sign:
            return _tab(
                request,
                person,
                deliverable.engagement,
                refused=_("页面已过期，请刷新后再签。"),
                refused_at=deliverable.pk,
                status=400,
            )
        return _tab(request, person, deliverable.engagement, bound={key: form}, status=400)
    done = attempt(
        lambda: decide_version(
            version,
            person,
            sign=sign,
            reason=form.cleaned_data.get("reason", ""),
            ip=_client_ip(request),
            expected_hash=form.cleaned_data["expected_hash"],
        ),
        form,
    )
    if not done.ok:
        return _tab(
            request,
            person,
            deliverable.engagement,
            bound={} if sign else {key: form},
            refused=done.refused,
            refused_at=deliverable.pk,
            status=done.status,
        )
    if sign:
        messages.success(
            request,
            _("已签字：“%(title)s”第 %(number)d 版。") % {"title": deliverable.title, "number": number},
        )
    else:
        messages.success(request, _("已拒签，对方需要上传新版本。"))
    return _back(deliverable)


@require_safe
@login_required
def version_file(request: HttpRequest, deliverable_id: int, number: int) -> FileResponse:
    """The exact file that was signed, served only to the parties (never from a public folder)."""
    version = _version_for(request, current_person(request), deliverable_id, number)
    if not version.file:
        raise Http404("file")
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename or "document")
