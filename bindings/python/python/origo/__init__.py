"""origo: the rules and documents of Chinese certificates of origin.

Every function sends one operation of the core's JSON layer (the same names and request shapes as
the CLI and the WASM binding). Inputs and answers are dicts of the JSON contract, typed by the
TypedDicts of `origo.contract` (generated from the published schemas); `decimal.Decimal` and
`datetime.date` values are sent as the contract's strings.
Unreadable input raises `OrigoError`; rule violations are findings in the answer.
"""

from __future__ import annotations

import base64 as _base64
import datetime as _dt
import decimal as _decimal
import json as _json
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Union

from . import _native
from ._native import Rulebook
from . import contract
from .contract import (
    AddWorkdaysAnswer,
    ApplyActionAnswer,
    ApplyActionRequest,
    ApplyDelegationAnswer,
    ApplyDelegationRequest,
    ApplyInstitutionActionAnswer,
    ApplyInstitutionActionRequest,
    ApplyPersonnelAnswer,
    ApplyPersonnelRequest,
    ApplyPrereviewActionAnswer,
    ApplyPrereviewActionRequest,
    ApplyRegistrationActionAnswer,
    ApplyRegistrationActionRequest,
    ApplyReprintActionAnswer,
    ApplyReprintActionRequest,
    ApplyVerificationActionAnswer,
    ApplyVerificationActionRequest,
    CalendarInfoAnswer,
    Certificate,
    CheckAuthorityAnswer,
    CheckAuthorityRequest,
    CheckCopyAnswer,
    CheckCopyRequest,
    CheckInvoiceAnswer,
    CheckInvoiceRequest,
    CheckAccountAnswer,
    CheckAccountRequest,
    CheckSignatoryAnswer,
    CheckSignatoryRequest,
    ClassifyEnterpriseChangeAnswer,
    ClassifyEnterpriseChangeRequest,
    CodesAnswer,
    CompareAgreementsAnswer,
    ConvertAnswer,
    ConvertRequest,
    DetermineOriginAnswer,
    ImportProductsAnswer,
    ImportPsrAnswer,
    ImportPsrRequestColumns,
    IsWorkdayAnswer,
    Original,
    Product,
    ReplyLetter,
    RetentionWindowAnswer,
    RulesAnswer,
    SystemDatesAnswer,
    SystemEvents,
    TransitionTableAnswer,
    ValidateIdAnswer,
    WorkflowTableAnswer,
)
from ._types import Finding, FindingGroup, OrigoError, Report, Severity

__all__ = [
    "OPERATIONS",
    "contract",
    "Finding",
    "FindingGroup",
    "OrigoError",
    "Report",
    "Rulebook",
    "Severity",
    "add_workdays",
    "apply_institution_action",
    "apply_prereview_action",
    "apply_registration_action",
    "apply_reprint_action",
    "apply_verification_action",
    "check_authority",
    "workflow_table",
    "render_reply_letter",
    "apply_action",
    "apply_delegation",
    "apply_personnel",
    "calendar_info",
    "call",
    "check",
    "check_many",
    "check_copy",
    "check_invoice",
    "check_account",
    "check_signatory",
    "classify_enterprise_change",
    "codes",
    "compare_agreements",
    "convert",
    "determine_origin",
    "determine_origin_many",
    "import_products",
    "import_psr",
    "is_workday",
    "retention_window",
    "rules",
    "schema",
    "render",
    "render_many",
    "system_dates",
    "transition_table",
    "validate_id",
]

#: Every operation name the core of this build accepts.
OPERATIONS: List[str] = list(_native.OPERATIONS)

Date = Union[_dt.date, str]


def _default(value: Any) -> Any:
    if isinstance(value, _decimal.Decimal):
        return format(value, "f")
    if isinstance(value, _dt.date):
        return value.isoformat()
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"{type(value).__name__} is not part of the JSON contract")


def _encode(request: Mapping[str, Any]) -> str:
    try:
        # Compact: the native reader of dicts counts the input size for compact text.
        return _json.dumps(request, default=_default, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except TypeError as e:
        raise OrigoError("invalid_type", "", f"无法转换为 JSON：{e}", f"cannot convert to JSON: {e}") from e
    except ValueError as e:
        raise OrigoError("invalid_value", "", f"无法转换为 JSON：{e}", f"cannot convert to JSON: {e}") from e


def call(op: str, request: Optional[Mapping[str, Any]] = None, *, rulebook: Optional[Rulebook] = None) -> Any:
    """Runs any operation of the JSON layer and returns its decoded answer."""
    return _json.loads(_native.call(op, _encode(request or {}), rulebook))


def _b64(data: bytes) -> str:
    """A file as the contract's base64 text."""
    return _base64.b64encode(data).decode("ascii")


def _request(**fields: Any) -> Dict[str, Any]:
    """A request without the optional fields the caller left out."""
    return {k: v for k, v in fields.items() if v is not None}


def _day(day: Optional[Date]) -> Optional[str]:
    """A date as the contract's text, so that the request stays plain data."""
    return day.isoformat() if isinstance(day, _dt.date) else day


def _with_certificate(certificate: Any, **fields: Any) -> Any:
    """The request of `certificate` with `fields`: a dict, or JSON text when the certificate is text."""
    if isinstance(certificate, (bytes, bytearray)):
        certificate = bytes(certificate).decode("utf-8", errors="strict")
    if isinstance(certificate, str):
        rest = "".join(f",{_json.dumps(k)}:{_encode(v)}" for k, v in fields.items() if v is not None)
        return f'{{"certificate":{certificate}{rest}}}'
    return _request(certificate=certificate, **fields)


def _render_request(
    certificate: Any,
    format: str,
    page: Optional[int],
    back: bool,
    invoice: bool,
    preview: bool,
    dpi: Optional[int],
    seal: Optional[bytes],
    signature: Optional[bytes],
    fonts: Sequence[bytes],
    serial: Optional[str],
    verify_url: Optional[str],
    duplicate_of: Optional[Mapping[str, Any]],
    replaces: Optional[str],
) -> Any:
    return _with_certificate(
        certificate,
        format=format,
        page=page,
        dpi=dpi,
        serial=serial,
        verify_url=verify_url,
        duplicate_of=duplicate_of,
        replaces=replaces,
        seal_base64=None if seal is None else _b64(seal),
        signature_base64=None if signature is None else _b64(signature),
        back=back,
        invoice=invoice,
        preview=preview,
        fonts_base64=[_b64(f) for f in fonts] or None,
    )


def render(
    certificate: Certificate,
    format: str = "pdf",
    *,
    page: Optional[int] = None,
    back: bool = False,
    invoice: bool = False,
    preview: bool = False,
    dpi: Optional[int] = None,
    seal: Optional[bytes] = None,
    signature: Optional[bytes] = None,
    fonts: Sequence[bytes] = (),
    serial: Optional[str] = None,
    verify_url: Optional[str] = None,
    duplicate_of: Optional[Original] = None,
    replaces: Optional[str] = None,
    rulebook: Optional[Rulebook] = None,
) -> bytes:
    """Draws the certificate (or, with `invoice=True`, its commercial invoice) as PDF, SVG or PNG bytes.

    The certificate (a dict, or its JSON text) is checked once and drawn from that report: printed
    texts, criteria and print decisions come from it. `seal` and `signature` are images (PNG, JPEG,
    GIF, WebP), placed only where electronic sealing is allowed; `fonts` are extra TTF/OTF fonts;
    `duplicate_of` (`{"number", "date"}`) prints a certified true copy, `replaces` a replacement.
    """
    req = _render_request(
        certificate, format, page, back, invoice, preview, dpi, seal, signature, fonts, serial, verify_url,
        duplicate_of, replaces,
    )
    document: bytes = _native.run("render", req, _encode, rulebook)
    return document


def render_many(
    certificates: Iterable[Any],
    format: str = "pdf",
    jobs: Optional[int] = None,
    *,
    back: bool = False,
    invoice: bool = False,
    preview: bool = False,
    dpi: Optional[int] = None,
    seal: Optional[bytes] = None,
    signature: Optional[bytes] = None,
    fonts: Sequence[bytes] = (),
    rulebook: Optional[Rulebook] = None,
) -> Iterator[Union[bytes, OrigoError]]:
    """Draws many certificates in parallel (`jobs` threads, default one per core), yielding in order.

    Each certificate gives its document's bytes, or the `OrigoError` saying why it could not be
    drawn (yielded, not raised). The options apply to every certificate, as in `render`.
    """
    requests = (
        _render_request(c, format, None, back, invoice, preview, dpi, seal, signature, fonts, None, None, None, None)
        for c in certificates
    )
    yield from _native.run_many("render", requests, _encode, jobs, rulebook)


def check(
    certificate: Union[Certificate, str, bytes],
    *,
    rulebook: Optional[Rulebook] = None,
    today: Optional[Date] = None,
) -> Report:
    """Checks a certificate (a dict, or its JSON text); `today` enables the date rules (no clock is read).

    A dict is read straight into the typed certificate, as strictly as its JSON text would be, and
    the report comes back with no JSON text in between; its `derived` values become Python objects
    when first read.
    """
    request = _with_certificate(certificate, today=_day(today))
    return Report.from_dict(_native.run("check", request, _encode, rulebook))


def check_many(
    certificates: Iterable[Certificate],
    jobs: Optional[int] = None,
    *,
    rulebook: Optional[Rulebook] = None,
    today: Optional[Date] = None,
) -> Iterator[Union[Report, OrigoError]]:
    """Checks many certificates in parallel (`jobs` threads, default one per core), yielding in order.

    Each certificate gives its `Report`, or the `OrigoError` saying why it could not be read: the
    error is yielded, not raised, so one bad certificate never ends the others. The iterable is
    read lazily, a sliding window ahead of the answers, and the GIL is released while waiting.
    """
    day = _day(today)
    requests = (_with_certificate(c, today=day) for c in certificates)
    for answer in _native.run_many("check", requests, _encode, jobs, rulebook):
        yield answer if isinstance(answer, OrigoError) else Report.from_dict(answer)


def determine_origin(
    product: Product,
    agreement: str,
    destination: Optional[str] = None,
    *,
    psr_csv: Optional[str] = None,
    date: Optional[Date] = None,
    rulebook: Optional[Rulebook] = None,
) -> DetermineOriginAnswer:
    """Decides whether a product is originating under an agreement, with the rule applied.

    `psr_csv` (`hs_prefix,rule,source` rows) replaces the agreement's product-specific rules for
    this call, e.g. a full table the host keeps. `date` (ISO) is the certificate's date: it picks
    the product-specific-rule table in force that day; without it the most recent table applies.
    """
    req = _request(product=product, agreement=agreement, destination=destination, psr_csv=psr_csv, date=_day(date))
    result: DetermineOriginAnswer = _native.run("determine_origin", req, _encode, rulebook)
    return result


def determine_origin_many(
    products: Iterable[Any],
    agreement: str,
    destination: Optional[str] = None,
    jobs: Optional[int] = None,
    *,
    psr_csv: Optional[str] = None,
    date: Optional[Date] = None,
    rulebook: Optional[Rulebook] = None,
) -> Iterator[Union[DetermineOriginAnswer, OrigoError]]:
    """Decides many products' origin under one agreement in parallel, yielding in order.

    Each product gives its decision (as `determine_origin` returns it), or the `OrigoError` saying
    why it could not be read (yielded, not raised).
    """
    requests = (
        _request(product=p, agreement=agreement, destination=destination, psr_csv=psr_csv, date=_day(date))
        for p in products
    )
    yield from _native.run_many("determine_origin", requests, _encode, jobs, rulebook)


def compare_agreements(product: Product, destination: str, *, rulebook: Optional[Rulebook] = None) -> CompareAgreementsAnswer:
    """Every agreement that could cover a product shipped to `destination`, compared."""
    result: CompareAgreementsAnswer = call("compare_agreements", _request(product=product, destination=destination), rulebook=rulebook)
    return result


def convert(request: ConvertRequest, *, rulebook: Optional[Rulebook] = None) -> ConvertAnswer:
    """Currency and trade-term conversion (request as in the JSON contract)."""
    result: ConvertAnswer = call("convert", request, rulebook=rulebook)
    return result


def is_workday(date: Date, *, policy: Optional[str] = None, rulebook: Optional[Rulebook] = None) -> IsWorkdayAnswer:
    """Whether `date` is a working day of the certificate office calendar."""
    result: IsWorkdayAnswer = call("is_workday", _request(date=date, policy=policy), rulebook=rulebook)
    return result


def add_workdays(
    date: Date, days: int, *, policy: Optional[str] = None, rulebook: Optional[Rulebook] = None
) -> AddWorkdaysAnswer:
    """The date `days` working days after `date`."""
    result: AddWorkdaysAnswer = call("add_workdays", _request(date=date, days=days, policy=policy), rulebook=rulebook)
    return result


def calendar_info(*, rulebook: Optional[Rulebook] = None) -> CalendarInfoAnswer:
    """The years and sources of the working-day calendar."""
    result: CalendarInfoAnswer = call("calendar_info", {}, rulebook=rulebook)
    return result


def system_dates(certificate: Certificate, events: SystemEvents, *, rulebook: Optional[Rulebook] = None) -> SystemDatesAnswer:
    """The dates and place the system sets (application, signing) from the workflow events."""
    req = _request(certificate=certificate, events=events)
    result: SystemDatesAnswer = call("system_dates", req, rulebook=rulebook)
    return result


def retention_window(today: Date, *, rulebook: Optional[Rulebook] = None) -> RetentionWindowAnswer:
    """The retention and default query windows of certificates on `today` (FAQ Q90)."""
    result: RetentionWindowAnswer = call("retention_window", _request(today=today), rulebook=rulebook)
    return result


def apply_action(request: ApplyActionRequest, *, rulebook: Optional[Rulebook] = None) -> ApplyActionAnswer:
    """Applies a lifecycle action (submit, approve, amend...) to a certificate's state."""
    result: ApplyActionAnswer = call("apply_action", request, rulebook=rulebook)
    return result


def transition_table(*, rulebook: Optional[Rulebook] = None) -> TransitionTableAnswer:
    """The lifecycle's states and allowed transitions."""
    result: TransitionTableAnswer = call("transition_table", {}, rulebook=rulebook)
    return result


def apply_delegation(request: ApplyDelegationRequest, *, rulebook: Optional[Rulebook] = None) -> ApplyDelegationAnswer:
    """Decides a step of an agent authorisation: request, approve, active, disabled."""
    result: ApplyDelegationAnswer = call("apply_delegation", request, rulebook=rulebook)
    return result


def apply_personnel(request: ApplyPersonnelRequest, *, rulebook: Optional[Rulebook] = None) -> ApplyPersonnelAnswer:
    """Decides a personnel action (applicant and signatory accounts)."""
    result: ApplyPersonnelAnswer = call("apply_personnel", request, rulebook=rulebook)
    return result


def classify_enterprise_change(request: ClassifyEnterpriseChangeRequest, *, rulebook: Optional[Rulebook] = None) -> ClassifyEnterpriseChangeAnswer:
    """Classifies an enterprise change: which fields take effect at once, which go to review."""
    result: ClassifyEnterpriseChangeAnswer = call("classify_enterprise_change", request, rulebook=rulebook)
    return result


def check_account(request: CheckAccountRequest, *, rulebook: Optional[Rulebook] = None) -> CheckAccountAnswer:
    """Checks an account to register: its name, its mobile number, no same-named account on that phone."""
    result: CheckAccountAnswer = call("check_account", request, rulebook=rulebook)
    return result


def check_signatory(request: CheckSignatoryRequest, *, rulebook: Optional[Rulebook] = None) -> CheckSignatoryAnswer:
    """Checks a signatory binding: one account one signatory, one person once per enterprise."""
    result: CheckSignatoryAnswer = call("check_signatory", request, rulebook=rulebook)
    return result


def check_copy(request: CheckCopyRequest, *, rulebook: Optional[Rulebook] = None) -> CheckCopyAnswer:
    """Checks a certified-copy or replacement request."""
    result: CheckCopyAnswer = call("check_copy", request, rulebook=rulebook)
    return result


def check_invoice(request: CheckInvoiceRequest, *, rulebook: Optional[Rulebook] = None) -> CheckInvoiceAnswer:
    """Checks an invoice against its certificate."""
    result: CheckInvoiceAnswer = call("check_invoice", request, rulebook=rulebook)
    return result


def validate_id(kind: str, value: str, *, rulebook: Optional[Rulebook] = None) -> ValidateIdAnswer:
    """Validates an identifier (credit code, customs code...) of the given kind."""
    result: ValidateIdAnswer = call("validate_id", _request(kind=kind, value=value), rulebook=rulebook)
    return result


def import_products(goods_csv: str, materials_csv: str, *, rulebook: Optional[Rulebook] = None) -> ImportProductsAnswer:
    """Reads products from two CSV texts (goods and their materials)."""
    req = _request(goods_csv=goods_csv, materials_csv=materials_csv)
    result: ImportProductsAnswer = call("import_products", req, rulebook=rulebook)
    return result


def schema(name: str = "certificate") -> Dict[str, Any]:
    """The JSON Schema of a contract type: certificate, product or report."""
    result: Dict[str, Any] = call("schema", {"name": name})
    return result


def codes() -> CodesAnswer:
    """Every finding and error code with its severity and titles."""
    result: CodesAnswer = call("codes", {})
    return result


def rules(*, rulebook: Optional[Rulebook] = None) -> RulesAnswer:
    """The rulebook's version and its certificate types with their key facts."""
    result: RulesAnswer = call("rules", {}, rulebook=rulebook)
    return result


def apply_prereview_action(request: ApplyPrereviewActionRequest, *, rulebook: Optional[Rulebook] = None) -> ApplyPrereviewActionAnswer:
    """One action on a product pre-review (submit, approve, reject, void, amend), or its refusal."""
    result: ApplyPrereviewActionAnswer = call("apply_prereview_action", request, rulebook=rulebook)
    return result


def apply_registration_action(request: ApplyRegistrationActionRequest, *, rulebook: Optional[Rulebook] = None) -> ApplyRegistrationActionAnswer:
    """One action on an enterprise registration or a signatory/administrator application."""
    result: ApplyRegistrationActionAnswer = call("apply_registration_action", request, rulebook=rulebook)
    return result


def apply_reprint_action(request: ApplyReprintActionRequest, *, rulebook: Optional[Rulebook] = None) -> ApplyReprintActionAnswer:
    """One action on a reprint application CCPIT reviews."""
    result: ApplyReprintActionAnswer = call("apply_reprint_action", request, rulebook=rulebook)
    return result


def apply_institution_action(request: ApplyInstitutionActionRequest, *, rulebook: Optional[Rulebook] = None) -> ApplyInstitutionActionAnswer:
    """One action on the review side's institutions (总会, 分会, 支会) and officers."""
    result: ApplyInstitutionActionAnswer = call("apply_institution_action", request, rulebook=rulebook)
    return result


def apply_verification_action(request: ApplyVerificationActionRequest, *, rulebook: Optional[Rulebook] = None) -> ApplyVerificationActionAnswer:
    """One action on a foreign verification request (核查)."""
    result: ApplyVerificationActionAnswer = call("apply_verification_action", request, rulebook=rulebook)
    return result


def check_authority(request: CheckAuthorityRequest, *, rulebook: Optional[Rulebook] = None) -> CheckAuthorityAnswer:
    """Whether an office may sign a certificate type and an officer review it."""
    result: CheckAuthorityAnswer = call("check_authority", request, rulebook=rulebook)
    return result


def workflow_table(workflow: str, *, rulebook: Optional[Rulebook] = None) -> WorkflowTableAnswer:
    """A workflow's transition table (prereview, registration, application, reprint, institution, officer, verification)."""
    result: WorkflowTableAnswer = call("workflow_table", {"workflow": workflow}, rulebook=rulebook)
    return result


def render_reply_letter(
    letter: ReplyLetter, format: str = "pdf", *, rulebook: Optional[Rulebook] = None
) -> bytes:
    """The bilingual reply letter to a foreign verification request, as PDF, SVG or PNG bytes."""
    answer: Dict[str, Any] = call("render_reply_letter", {"letter": letter, "format": format}, rulebook=rulebook)
    data: str = answer["data_base64"]
    return _base64.b64decode(data)


def import_psr(
    agreement: str,
    source: str,
    *,
    annex_csv: Optional[str] = None,
    annex_json: Optional[str] = None,
    annex_xlsx: Optional[bytes] = None,
    columns: Optional[ImportPsrRequestColumns] = None,
    hs_edition: Optional[int] = None,
    allow_partial: bool = False,
    rulebook: Optional[Rulebook] = None,
) -> ImportPsrAnswer:
    """Imports a product-specific-rule annex as GACC publishes it (CSV, JSON rows or `.xlsx` bytes).

    The answer holds origo's PSR table as CSV text (`None` when rows were refused and
    `allow_partial` is false) and the report: rows read, imported, and every refused row with its
    row, column and reason in Chinese and English.
    """
    req = _request(
        agreement=agreement,
        source=source,
        annex_csv=annex_csv,
        annex_json=annex_json,
        annex_xlsx_base64=None if annex_xlsx is None else _b64(annex_xlsx),
        columns=columns,
        hs_edition=hs_edition,
    )
    req["allow_partial"] = allow_partial
    result: ImportPsrAnswer = call("import_psr", req, rulebook=rulebook)
    return result
