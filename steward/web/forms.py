"""Validation of what people type and upload on the pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from steward.accounts.models import Organisation, OrganisationKind, Person
from steward.approvals.guardrails import GuardrailError, Proposal
from steward.engagements.models import Candidate, RequestTier
from steward.engagements.selection import INTERVIEW_QUESTIONS, MAX_ANSWER_SCORE, PAPER_CHECKS
from steward.shops.models import ImportKind, Shop
from steward.web.views.wording import reads_english, say

# Big enough for a year of order exports; anything larger is surely the wrong file.
IMPORT_MAX_BYTES = 50 * 1024 * 1024
# A hint for the file picker; the importer itself decides what it can read.
IMPORT_ACCEPT = ".csv,.xlsx"


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("数据类型"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("平台后台导出的 CSV 或 XLSX 文件，表头保持原样即可。"),
        widget=forms.ClearableFileInput(attrs={"accept": IMPORT_ACCEPT}),
    )
    dry_run = forms.BooleanField(
        label=_("试导入：只检查文件，不写入数据"),
        required=False,
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件太大（%(size)s MB），上限为 %(limit)s MB。")
                % {"size": round(upload.size / 1024 / 1024, 1), "limit": IMPORT_MAX_BYTES // 1024 // 1024}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        return upload


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=100,
        help_text=_("写明谁在什么程序里使用它，日后撤销时才认得出。"),
        widget=forms.TextInput(attrs={"placeholder": _("例如：每日数据同步脚本")}),
    )


# ---------- workflow pages: duties, deliverables, checklists, requests, approvals, selection ----------

# Documents and evidence: a signed PDF, a spreadsheet or a few screenshots, never a video dump.
DOCUMENT_MAX_BYTES = 30 * 1024 * 1024


def _limited(upload: UploadedFile) -> UploadedFile:
    if upload.size is not None and upload.size > DOCUMENT_MAX_BYTES:
        raise forms.ValidationError(
            _("文件太大（%(size)s MB），上限为 %(limit)s MB。")
            % {"size": round(upload.size / 1024 / 1024, 1), "limit": DOCUMENT_MAX_BYTES // 1024 // 1024}
        )
    if upload.size == 0:
        raise forms.ValidationError(_("文件是空的。"))
    return upload


def _text(
    label: StrOrPromise, *, rows: int = 2, required: bool = True, placeholder: StrOrPromise = ""
) -> forms.CharField:
    attrs: dict[str, Any] = {"rows": rows}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.CharField(
        label=label, required=required, max_length=4000, widget=forms.Textarea(attrs=attrs)
    )


class ReasonForm(forms.Form):
    """Rejecting, cancelling or pausing: the other party must be able to read why."""

    reason = _text(_("理由"), placeholder=_("写清楚原因和需要对方做什么"))


class PhaseForm(forms.Form):
    # The phase the person saw as next: a second click, or a stale page, cannot skip one.
    target = forms.CharField(widget=forms.HiddenInput)


class VersionUploadForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("PDF、Word、Excel 或图片，30 MB 以内。"))
    note = forms.CharField(label=_("版本说明"), required=False, max_length=500)

    def clean_file(self) -> UploadedFile:
        return _limited(self.cleaned_data["file"])


class SignForm(forms.Form):
    # The hash of the version on screen: the service refuses if a newer one arrived meanwhile.
    expected_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)


class RejectVersionForm(SignForm):
    reason = _text(_("拒签理由"), placeholder=_("哪里需要修改"))


class TickForm(forms.Form):
    note = forms.CharField(label=_("备注"), required=False, max_length=500)


class AccessGrantForm(forms.Form):
    system = forms.CharField(
        label=_("系统"), max_length=100, widget=forms.TextInput(attrs={"placeholder": _("例如：千牛子账号")})
    )
    account = forms.CharField(label=_("账号"), max_length=200)
    permissions = forms.CharField(
        label=_("权限范围"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：商品编辑、推广，无资金权限")}),
    )
    holder = forms.ModelChoiceField(
        label=_("持有人"), queryset=Person.objects.none(), required=False, empty_label=_("（不指定）")
    )

    def __init__(self, *args: Any, holders: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if holders is not None:
            self.fields["holder"].queryset = holders  # type: ignore[attr-defined]


class RaiseRequestForm(forms.Form):
    tier = forms.ChoiceField(label=_("级别"), choices=RequestTier.choices, initial=RequestTier.ROUTINE)
    title = forms.CharField(label=pgettext_lazy("请求", "事项"), max_length=300)
    body = _text(_("说明"), rows=3, required=False)


class AnswerForm(forms.Form):
    text = _text(_("答复或处理方案"))


class EvidenceForm(forms.Form):
    note = _text(_("说明"), required=False, placeholder=_("做了什么、结果如何"))
    url = forms.URLField(label=_("链接"), required=False, max_length=200, assume_scheme="https")
    file = forms.FileField(label=_("文件"), required=False, help_text=_("截图、表格或报告，30 MB 以内。"))

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        return _limited(upload) if upload else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("note", "").strip() or data.get("url") or data.get("file")) and not self.errors:
            raise forms.ValidationError(_("请至少填写说明、链接或上传文件中的一项。"))
        return data


# The five kinds of action the guardrail check knows, as the merchant names them.
PROPOSAL_KINDS = [
    ("price", _("改价")),
    ("discount", _("打折")),
    ("spend", _("推广预算")),
    ("campaign_plan", _("大促活动方案")),
    ("service", _("新增付费服务")),
]


class ProposalForm(forms.Form):
    """A proposed action, checked against the engagement's guardrails (nothing is written)."""

    kind = forms.ChoiceField(label=_("操作类型"), choices=PROPOSAL_KINDS)
    sku = forms.CharField(label=_("商品编码"), required=False, max_length=64)
    campaign = forms.CharField(label=_("推广计划或活动"), required=False, max_length=200)
    value = forms.DecimalField(
        label=_("数值"),
        required=False,
        max_digits=14,
        decimal_places=4,
        help_text=_("价格、预算、服务费填金额（元）；折扣填比例，0.35 表示减 35%（即 6.5 折）。"),
    )
    planned_date = forms.DateField(
        label=_("活动日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    service = forms.CharField(label=_("服务名称"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["proposal"] = Proposal(
                kind=data["kind"],
                value=data.get("value"),
                sku=data.get("sku") or None,
                campaign=data.get("campaign") or None,
                planned_date=data.get("planned_date"),
                service=data.get("service") or None,
            )
        except GuardrailError as error:
            # The check names the field first: "value: a price proposal needs a value".
            name, _sep, message = str(error).partition(": ")
            self.add_error(name if name in self.fields else None, say(message or name))
        return data


class ApprovalRequestForm(ProposalForm):
    """The checked proposal, carried along unchanged, with the agency's reason and evidence."""

    title = forms.CharField(label=_("标题"), required=False, max_length=300)
    reason = _text(_("申请理由"), rows=3, placeholder=_("为什么要这样做，预计效果如何"))
    evidence = _text(
        _("依据"),
        rows=3,
        required=False,
        placeholder=_("每行一条：数据、截图链接等"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The proposal was typed into the check above; here it only travels with the request.
        for name in ProposalForm.base_fields:
            self.fields[name].widget = forms.HiddenInput()

    def evidence_items(self) -> list[dict[str, str]]:
        items = []
        for line in self.cleaned_data.get("evidence", "").splitlines():
            line = line.strip()
            if line:
                items.append({"link": line} if line.startswith(("http://", "https://")) else {"note": line})
        return items


class DecisionForm(forms.Form):
    reason = _text(_("意见"), required=False, placeholder=_("驳回时必须写明理由"))


class QuestionForm(forms.Form):
    text = _text(pgettext_lazy("提问", "问题"))


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("月份"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", widget=forms.TextInput(attrs={"type": "month"})
    )


class SelectionForm(forms.Form):
    title = forms.CharField(
        label=_("名称"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("例如：2027 年天猫店托管方筛选")}),
    )
    merchant = forms.ModelChoiceField(label=_("商家"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, merchants: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["merchant"]
        field.queryset = merchants  # type: ignore[attr-defined]
        if merchants.count() == 1:
            field.initial = merchants.first()
            field.widget = forms.HiddenInput()


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("托管公司"), max_length=200)
    agency = forms.ModelChoiceField(
        label=_("已入驻的账号"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.AGENCY),
        required=False,
        empty_label=_("（尚未入驻）"),
        help_text=_("选定后才能把它转为托管合作。"),
    )


class PapersForm(forms.Form):
    """Round 1: every paper check must pass, or the candidate is out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, zh, en in PAPER_CHECKS:
            self.fields[code] = forms.BooleanField(label=en if reads_english() else zh, required=False)

    def answers(self) -> dict[str, bool]:
        return {code: bool(self.cleaned_data.get(code)) for code, _zh, _en in PAPER_CHECKS}


SCORES = [("", "—")] + [(str(n), str(n)) for n in range(MAX_ANSWER_SCORE + 1)]


class InterviewForm(forms.Form):
    """Round 2: each answer scored 0 (vague) to 5 (a concrete method with numbers)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, zh, en in INTERVIEW_QUESTIONS:
            self.fields[f"score_{code}"] = forms.TypedChoiceField(
                label=en if reads_english() else zh,
                choices=SCORES,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label=_("回答要点"),
                required=False,
                max_length=1000,
                widget=forms.TextInput(attrs={"placeholder": _("对方的具体回答：方法、时限、数字")}),
            )

    def questions(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"score_{code}"], self[f"note_{code}"]) for code, _zh, _en in INTERVIEW_QUESTIONS]

    def scores(self) -> dict[str, int]:
        found = {code: self.cleaned_data.get(f"score_{code}") for code, _zh, _en in INTERVIEW_QUESTIONS}
        return {code: score for code, score in found.items() if score is not None}

    def notes(self) -> dict[str, str]:
        found = {
            code: self.cleaned_data.get(f"note_{code}", "").strip() for code, _zh, _en in INTERVIEW_QUESTIONS
        }
        return {code: note for code, note in found.items() if note}


class TrialForm(forms.Form):
    """Round 3: the trial metric before and at the end of the paid trial month."""

    trial_baseline = forms.DecimalField(label=_("试用前基准值"), max_digits=14, decimal_places=2, min_value=0)
    trial_actual = forms.DecimalField(label=_("试用期实际值"), max_digits=14, decimal_places=2, min_value=0)


class ChooseForm(forms.Form):
    candidate = forms.ModelChoiceField(
        label=_("选定的托管方"), queryset=Candidate.objects.none(), empty_label=_("请选择")
    )
    shops = forms.ModelMultipleChoiceField(
        label=_("托管的店铺"), queryset=Shop.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self, *args: Any, candidates: QuerySet[Candidate], shops: QuerySet[Shop], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["shops"].queryset = shops  # type: ignore[attr-defined]
